/** The CLI as a user runs it: exit codes, one-line messages, JSON keys, NDJSON counts, pipes. */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATE_NAMES } from '../src/model/states.js';
import { requireTool } from './helpers/tools.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    maxBuffer: 1 << 30, // a busy box's JSON runs to megabytes
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--version and --help exit 0', () => {
  const v = run(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.out, /^tcptally \d+\.\d+\.\d+\n$/);
  const h = run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /Usage: tcptally/);
  assert.match(h.out, /Exit codes/);
});

const USAGE: [string[], RegExp][] = [
  [['--bogus'], /unknown option --bogus/],
  [['--interval', '0.01'], /--interval takes a number from 0.1 to 3600, got "0.01"/],
  [['--interval', 'abc'], /--interval takes a number/],
  [['--interval'], /needs a value/],
  [['--count', '0'], /--count takes a whole number from 1/],
  [['--count', '2.5'], /--count takes a whole number/],
  [['--source', 'kernel'], /--source takes auto, netlink, proc or si/],
  [['--pid', '-3'], /--pid|unknown option/],
  [['--pid', '1', '--source', 'netlink'], /--pid reads \/proc\/PID\/net/],
  [['--watch', '--count', '2'], /cannot be combined/],
  [['--filter', 'estab and bogus'], /bad filter: .*"bogus" at column 11/],
  [['--json', 'sport', '=', 'http2x'], /bad filter: .*"http2x"/],
  // a deep or long filter is a usage error naming the limit, never a stack overflow
  [['--once', '('.repeat(5000) + 'estab' + ')'.repeat(5000)], /^tcptally: bad filter: too deep: more than 64 nested "\(" \/ "not", got "\(" at column 65 \(try/],
  [['--json', '-f', 'not '.repeat(5000) + 'estab'], /bad filter: too deep: more than 64 nested/],
  [['--json', 'tw '.repeat(23333) + 'v4'], /^tcptally: bad filter: too long: 70001 characters \(at most 65536\) \(try/],
  [['--json', 'estab', 'x'.repeat(60000)], /bad filter: expected a state, port, address or family, got "x{37}\.\.\." at column 7 \(try/],
  // flags: negative numbers reach the range check, flags take no value, echoed text is clipped
  [['-i', '-1'], /^tcptally: --interval takes a number from 0\.1 to 3600, got "-1" \(try/],
  [['--json=1'], /^tcptally: --json takes no value \(try/],
  [['--count', '1e3'], /--count takes a whole number from 1 to 1000000000, got "1e3"/],
  [['--top', '-1'], /--top takes a whole number from 0 to 1000000 or "all", got "-1"/],
  [['-i', '9'.repeat(100_000)], /got "9{37}\.\.\." \(try tcptally --help\)\n$/],
  // rules apply in every mode: a bad one is a usage error outside --check (3 there)
  [['--once', '--crit', 'CLOSE_WAIT > 80%'], /^tcptally: bad rule "CLOSE_WAIT > 80%": "%" applies only to conntrack and acceptqueue at column 16 \(try/],
  [['--json', '--bell'], /^tcptally: --bell rings in the dashboard only \(try/],
];

for (const [args, msg] of USAGE) {
  const shown = args.join(' ');
  test(`usage error: tcptally ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} → exit 2, one line, no stack`, () => {
    const r = run(args);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, msg);
    assert.match(r.err, /try tcptally --help/);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /\n\s+at /);
    assert.doesNotMatch(r.err, /internal error/);
    assert.ok(r.err.length < 300, `${r.err.length} characters`);
    assert.equal(r.out, '');
  });
}

test('a bad line in the config file: exit 2 and one line naming it, before the dashboard takes the terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-cfg-'));
  try {
    mkdirSync(join(dir, 'tcptally'));
    writeFileSync(join(dir, 'tcptally', 'config'), '# rules\nwarn total > 1\ncrit CLOSE_WAIT >> 5\n');
    for (const mode of ['--json', '--once', '--dashboard']) {
      const r = run([mode], { XDG_CONFIG_HOME: dir });
      assert.equal(r.code, 2, `${mode}: ${r.err}`);
      assert.equal(r.err, 'tcptally: config line 3: bad rule "CLOSE_WAIT >> 5": expected a number, got ">" at column 13\n');
      assert.equal(r.out, '');
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a rules file that cannot be read: the other modes go on with a warning, --check is UNKNOWN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-cfg-'));
  try {
    // a directory where the file should be: read fails (EISDIR) even for root, as EACCES does for a user
    mkdirSync(join(dir, 'tcptally', 'config'), { recursive: true });
    const path = join(dir, 'tcptally', 'config');
    const r = run(['--json', '--top', '0'], { XDG_CONFIG_HOME: dir });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, `tcptally: warning: cannot read the rules file ${path}: EISDIR; going on without its rules\n`);
    assert.equal(typeof JSON.parse(r.out).total, 'number');
    const c = run(['--check'], { XDG_CONFIG_HOME: dir });
    assert.equal(c.code, 3, c.err);
    assert.equal(c.out, `TCPTALLY UNKNOWN - cannot read the rules file ${path}: EISDIR\n`);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a 4000-term filter chain within the length limit works', () => {
  const chain = Array.from({ length: 4000 }, (_, k) => `dport = ${k + 1}`).join(' or ');
  const r = run(['--json', '-f', chain]);
  assert.equal(r.code, 0, r.err.slice(0, 300));
  assert.equal(JSON.parse(r.out).filter, chain);
});

test('the dashboard with the --pid of a gone process: exit 1 and the message, no escape codes (in a pty)', (t) => {
  // script(1) gives the CLI a terminal on stdin and stdout, as a user's shell does
  if (!requireTool(t, 'script', 'the dashboard needs a terminal')) return;
  const cmd = `"${process.execPath}" "${CLI}" --dashboard --pid 4194000`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, TERM: 'xterm-256color' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  assert.equal(r.status, 1, r.stdout);
  assert.equal(r.stdout, 'tcptally: no such process: 4194000\r\n');
  assert.doesNotMatch(r.stdout, /\x1b/);
});

test('runtime error: no such pid → exit 1 with a message naming it', () => {
  const r = run(['--once', '--pid', '4194000']);
  assert.equal(r.code, 1);
  assert.match(r.err, /^tcptally: no such process: 4194000\n$/);
});

test('--json prints one object with the documented keys and all eleven states', () => {
  const r = run(['--json']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]);
  for (const k of ['time', 'host', 'source', 'intervalMs', 'sampleMs', 'stale', 'total', 'states', 'ports', 'peers', 'counters', 'filter', 'conntrack', 'alerts']) {
    assert.ok(k in j, k);
  }
  assert.deepEqual(Object.keys(j.states), [...STATE_NAMES]);
  assert.ok(!Number.isNaN(Date.parse(j.time)));
  assert.equal(j.filter, null);
  assert.equal(j.total, Object.values(j.states as Record<string, number>).reduce((a, b) => a + b, 0));
  assert.ok('Tcp.ActiveOpens' in j.counters);
});

test('--json --count 3 prints three NDJSON lines one interval apart, with rates from the second on', () => {
  const r = run(['--json', '--count', '3', '--interval', '0.2']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  const t = lines.map((l) => Date.parse(l.time));
  assert.ok(t[1] - t[0] >= 150 && t[2] - t[1] >= 150, `spaced by the interval: ${t}`);
  assert.deepEqual(lines[0].rates, {});
  assert.ok('Tcp.ActiveOpens' in lines[1].rates);
  assert.equal(lines[0].intervalMs, 200);
});

test('filters apply to JSON: trailing words and --filter combine', () => {
  const r = run(['--json', '--filter', 'v4', 'listen']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.filter, '(v4) and (listen)');
  for (const [name, n] of Object.entries(j.states as Record<string, number>)) if (name !== 'LISTEN') assert.equal(n, 0, name);
  assert.equal(j.families.v6, 0);
});

test('no mode and stdout not a TTY: the --once summary, no escape codes', () => {
  const r = run([]);
  assert.equal(r.code, 0, r.err);
  for (const name of STATE_NAMES) assert.match(r.out, new RegExp(`^${name} `, 'm'));
  assert.match(r.out, /SERVICE PORT/);
  assert.doesNotMatch(r.out, /\x1b/);
});

test('--once --ascii, and a non-UTF-8 locale, print no UTF-8 glyphs', () => {
  for (const [args, env] of [[['--once', '--ascii'], {}], [['--once'], { LANG: 'C', LC_ALL: '', LC_CTYPE: '' }]] as const) {
    const r = run([...args], env);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /[^\x00-\x7f]/, JSON.stringify(args));
  }
});

test('--source proc and --source si are reported in the output', () => {
  assert.equal(JSON.parse(run(['--json', '--source', 'proc']).out).source, 'proc');
  const si = JSON.parse(run(['--json', '--source', 'si']).out);
  assert.equal(si.source, 'si');
  assert.equal(si.sourceSlow, true);
});

test('a closed pipe ends --watch quietly with exit 0', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" --json --watch --interval 0.1 --top 5 | head -n 2`], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 1 << 30,
  });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim().split('\n').length, 2);
  assert.equal(r.stderr, '');
});

test('--json cuts each list to 20 rows by default, --top N / all / 0 everywhere, and gives the full lengths', async () => {
  // 25 listeners with one connection each on an address of this test's own: 50 service ports
  // (25 in, 25 out), one peer, 50 peer:ports; ESTABLISHED and LISTEN only (leftovers of an earlier
  // run sit in TIME_WAIT and the like)
  // (127.0.83.1: an address no other test file uses; test/sampler/workerStore.test.ts has 127.0.79.1)
  const HOST = '127.0.83.1';
  const servers: net.Server[] = [];
  const clients: net.Socket[] = [];
  try {
    for (let k = 0; k < 25; k++) {
      const server = net.createServer((s) => s.on('error', () => {}));
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, HOST, resolve));
      servers.push(server);
      const c = net.connect({ port: (server.address() as net.AddressInfo).port, host: HOST, localAddress: HOST });
      c.on('error', () => {});
      clients.push(c);
      await new Promise<void>((resolve, reject) => c.once('connect', resolve).once('error', reject));
    }
    const mine = ['-f', `addr ${HOST}`, '-f', 'estab or listen'];
    const lengths = (args: string[]) => {
      const r = run(['--json', ...mine, ...args]);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      return [j.ports.length, j.portCount, j.peers.length, j.peerCount, j.peerPorts.length, j.peerPortCount];
    };
    assert.deepEqual(lengths([]), [20, 50, 1, 1, 20, 50]);
    assert.deepEqual(lengths(['--top', 'all']), [50, 50, 1, 1, 50, 50]);
    assert.deepEqual(lengths(['--top', '3']), [3, 50, 1, 1, 3, 50]);
    assert.deepEqual(lengths(['--top', '0']), [0, 50, 0, 1, 0, 50]);
    // --once: 10 rows by default, and --top 0 is no rows there too
    const once = (args: string[]) => run(['--once', '--ascii', ...mine, ...args]).out;
    assert.match(once([]), /^  \.\.\. 40 more$/m);
    assert.match(once(['--top', '0']), /^  \.\.\. 50 more$/m);
    assert.doesNotMatch(once(['--top', 'all']), /more$/m);
  } finally {
    for (const c of clients) c.destroy();
    for (const s of servers) s.close();
  }
});

for (const [signal, code, args] of [['SIGINT', 130, ['--json', '--watch']], ['SIGTERM', 143, ['--json', '--count', '1000']]] as const) {
  test(`${signal} ends ${args.slice(1).join(' ')} with exit ${code}, the lines printed whole`, async () => {
    const child = spawn(process.execPath, [CLI, ...args, '--interval', '0.1', '--top', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c))); // after stdout's last byte
    const printed = new Promise<void>((resolve) => child.stdout.on('data', (d) => {
      out += d;
      if (out.split('\n').length > 2) resolve(); // two whole lines printed
    }));
    await Promise.race([printed, exited]);
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    assert.equal(await exited, code, err);
    clearTimeout(timer);
    assert.equal(err, '');
    for (const line of out.trimEnd().split('\n')) assert.ok('states' in JSON.parse(line));
  });
}
