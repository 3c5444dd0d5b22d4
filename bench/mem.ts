/**
 * Where the dashboard's memory goes, and what a change does to it: the dashboard in a tmux pane
 * (120×40, 1 s interval) at each size, `--runs` times per variant, variants interleaved run by run (the
 * machine is noisy): start → first full frame, then after `--settle` seconds of sampling RSS
 * (anonymous and file-backed) and CPU per thread over that window; medians over the runs. A tool for
 * measuring changes, not a timed test.
 *
 *   node dist/bench/mem.js [--sizes 0,100000] [--runs 3] [--settle 30]
 *       [--variant 'NAME|NODE FLAGS|K=V,K=V|PATH/TO/dist/src/cli.js' ...] [--probe]
 *
 * Size 0 builds no farm (what is on the box). A variant runs the CLI with extra node flags and
 * environment, or another build's CLI (the default variant, "as shipped", has none). --probe preloads
 * bench/heapprobe.js to show each isolate's heap spaces (it perturbs a little what it measures).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { memMb, openDashboard, openPanes, steady, untilFirstFrame, type LaunchOptions } from './dashboard.js';
import { Farm, mixFor, ssSummary } from './farm.js';
import type { HeapProbe } from './heapprobe.js';
import { median, table } from './stats.js';

const { values: opt } = parseArgs({
  options: {
    sizes: { type: 'string', default: '0,100000' },
    runs: { type: 'string', default: '3' },
    settle: { type: 'string', default: '30' },
    variant: { type: 'string', multiple: true },
    probe: { type: 'boolean' },
  },
});
const SIZES = opt.sizes.split(',').map(Number);
const RUNS = Number(opt.runs);
const SETTLE = Number(opt.settle);
const PROBE = fileURLToPath(new URL('./heapprobe.js', import.meta.url));
const HARD_LIMIT_MS = 40 * 60_000;

interface Variant { name: string; launch: LaunchOptions }
const variants: Variant[] = (opt.variant?.length ? opt.variant : ['as shipped||']).map((v) => {
  const [name, flags = '', env = '', cli = ''] = v.split('|');
  return {
    name,
    launch: {
      cli: cli || undefined,
      nodeArgs: flags.split(' ').filter(Boolean),
      env: Object.fromEntries(env.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    },
  };
});

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const farm = new Farm();
const probeDir = mkdtempSync(join(tmpdir(), 'tcptally-heapprobe-'));
let stopping = false;
async function cleanup(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const p of openPanes) p.kill();
    await farm.stop().catch(() => undefined); // removes its nftables rules
    rmSync(probeDir, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on('SIGINT', () => void cleanup(130));
process.on('SIGTERM', () => void cleanup(143));
setTimeout(() => { log('mem: time limit reached'); void cleanup(1); }, HARD_LIMIT_MS).unref();

interface Sample { first: number; rss: number; anon: number; file: number; cpu: number; ui: number; sampler: number; helpers: number; probes: HeapProbe[] }
const results: { size: number; sockets: number; variant: string; samples: Sample[] }[] = [];

try {
  for (const size of SIZES) {
    const mix = size > 0 ? mixFor(size) : null;
    if (mix) {
      log(`size ${size}: building the farm`);
      await farm.build(mix, log);
    }
    const sockets = ssSummary().total;
    log(`size ${size}: ss sees ${sockets} sockets`);
    const bySize = variants.map((v) => ({ size, sockets, variant: v.name, samples: [] as Sample[] }));
    results.push(...bySize);
    for (let r = 0; r < RUNS; r++) {
      for (const [i, v] of variants.entries()) {
        if (mix) await farm.topUpTimeWait(mix.timeWait);
        const launch: LaunchOptions = opt.probe
          ? { nodeArgs: [...(v.launch.nodeArgs ?? []), '--import', PROBE], env: { ...v.launch.env, TCPTALLY_HEAPPROBE_DIR: probeDir } }
          : v.launch;
        const pane = openDashboard(`mem${i}`, 120, 40, 1, launch);
        try {
          const first = await untilFirstFrame(pane);
          const st = await steady(pane, SETTLE, 5, mix ? () => farm.topUpTimeWait(mix.timeWait) : undefined);
          const pid = pane.pid;
          const m = memMb(pid);
          await sleep(opt.probe ? 1100 : 0);
          const probes = opt.probe
            ? readdirSync(probeDir).filter((f) => f.startsWith(`${pid}-`)).map((f) => JSON.parse(readFileSync(join(probeDir, f), 'utf8')) as HeapProbe)
            : [];
          bySize[i].samples.push({ first, ...m, cpu: st.cpuPercent, ui: st.uiMsPerSec, sampler: st.samplerMsPerSec, helpers: st.helpersMsPerSec, probes });
          log(`size ${size} (ss ${ssSummary().total}) run ${r + 1} ${v.name}: first frame ${Math.round(first)} ms; RSS ${m.rss.toFixed(1)} MB (anon ${m.anon.toFixed(1)}, file ${m.file.toFixed(1)}); CPU ${st.cpuPercent.toFixed(2)} % (ui ${st.uiMsPerSec.toFixed(1)}, sampler ${st.samplerMsPerSec.toFixed(1)}, helpers ${st.helpersMsPerSec.toFixed(1)} ms/s)`);
          for (const p of probes) {
            log(`   ${p.thread}: heap ${p.heapPhysical} KB phys (${p.heapUsed} used), malloc ${p.mallocedNow} (peak ${p.mallocedPeak}), external ${p.external}, arrayBuffers ${p.arrayBuffers}; ` +
              Object.entries(p.spaces).map(([k, [, u, ph]]) => `${k.replace('_space', '')} ${ph}/${u}`).join(', '));
          }
        } finally {
          pane.send(['q']);
          await sleep(300);
          pane.kill();
        }
      }
    }
    if (mix) await farm.stop();
  }
} catch (err) {
  log(`mem failed: ${(err as Error).stack ?? err}`);
  await cleanup(1);
}

const f1 = (x: number) => x.toFixed(1);
console.log(`\n## Dashboard memory and CPU, median of ${RUNS} runs, ${SETTLE} s after warm-up (120×40, 1 s)\n`);
console.log(table(
  ['size (ss)', 'variant', 'first frame ms', 'RSS MB', 'anon', 'file', 'CPU %', 'UI ms/s', 'sampler ms/s', 'helpers ms/s'],
  results.map((r) => {
    const med = (k: keyof Omit<Sample, 'probes'>) => f1(median(r.samples.map((s) => s[k])));
    return [`${r.size} (${r.sockets})`, r.variant, med('first'), med('rss'), med('anon'), med('file'), med('cpu'), med('ui'), med('sampler'), med('helpers')];
  }),
));
await cleanup(0);
