/**
 * Start-up of the single executable against the npm install: `npm run bench:start` (builds dist/tcptally
 * first). Each round runs, in turn, `dist/tcptally --json` (copied into an empty directory, bare
 * environment) and `node dist/src/cli.js --json`, and times from spawn to the first byte on stdout;
 * `node -e ''`-like baseline: a script that prints one line. Median over the rounds.
 *
 *   node dist/bench/start.js [--rounds 15]
 */

import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmtMs, median, table } from './stats.js';

const { values: opt } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const rounds = Number(opt.rounds);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'tcptally-start-'));
try {
  copyFileSync(join(ROOT, 'dist/tcptally'), join(dir, 'tcptally'));
  writeFileSync(join(dir, 'hello.js'), "console.log('{}');\n");
  const cases: [string, string, string[]][] = [
    ['dist/tcptally --json (single executable)', join(dir, 'tcptally'), ['--json']],
    ['node dist/src/cli.js --json', process.execPath, [join(ROOT, 'dist/src/cli.js'), '--json']],
    ['node hello.js (Node alone)', process.execPath, [join(dir, 'hello.js')]],
  ];
  const firstOutputMs = (cmd: string, args: string[]) => new Promise<number>((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let ms = NaN;
    const child = spawn(cmd, args, { cwd: dir, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => { ms = Number(process.hrtime.bigint() - t0) / 1e6; });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 && !Number.isNaN(ms) ? resolve(ms) : reject(new Error(`${cmd} exited ${code}`))));
  });
  const times = cases.map(() => [] as number[]);
  await firstOutputMs(cases[0][1], cases[0][2]); // the 100 MB file into the page cache
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, cmd, args]] of cases.entries()) times[i].push(await firstOutputMs(cmd, args));
  }
  console.log(`start → first output, median of ${rounds} interleaved rounds (ms)\n`);
  console.log(table(['command', 'median ms', 'min ms'], cases.map(([name], i) => [name, fmtMs(median(times[i])), fmtMs(Math.min(...times[i]))])));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
