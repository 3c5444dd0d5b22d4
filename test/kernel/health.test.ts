/**
 * Health against the kernel: conntrack read inside a namespace of the test's own (tcptally-hl-*) equals
 * its /proc/sys files; without the files, null. --check against real sockets on 127.0.82.1: exit 0, 1,
 * 2 and 3 in the cases that give each, counts equal to ss's, perfdata that parses.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { readConntrack } from '../../src/sources/conntrack.js';
import { SocketFarm, waitFor, type Host } from '../helpers/sockets.js';
import { requireTool } from '../helpers/tools.js';

/** This file's own loopback address. */
const ADDR = '127.0.82.1' as Host;
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

const CT_CHILD = fileURLToPath(new URL('../helpers/conntrack-child.js', import.meta.url));
const namespaces: string[] = [];

function addNetns(suffix: string): string {
  const name = `tcptally-hl-${suffix}-${process.pid}`;
  spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  execFileSync('ip', ['netns', 'add', name]);
  namespaces.push(name);
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  return name;
}

after(() => {
  for (const ns of namespaces) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
});

describe('conntrack', () => {
  test('inside a namespace with a ct rule: count and max equal nf_conntrack_count / _max there', async (t) => {
    if (!requireTool(t, 'netns', 'a namespace of our own') || !requireTool(t, 'nft', 'a ct rule loads nf_conntrack')) return;
    const ns = addNetns('ct');
    const nft = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, 'nft', ...args]);
    nft('add', 'table', 'inet', 't');
    nft('add', 'chain', 'inet', 't', 'c', '{ type filter hook input priority 0 ; }');
    nft('add', 'rule', 'inet', 't', 'c', 'ct', 'state', 'established', 'accept');
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, CT_CHILD, '5'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout! });
        const timer = setTimeout(() => reject(new Error('conntrack child silent for 15 s')), 15_000);
        rl.once('line', (l) => { clearTimeout(timer); resolve(l); });
        child.once('exit', (c) => { clearTimeout(timer); reject(new Error(`conntrack child exited ${c}`)); });
      });
      const read = (f: string) => Number(execFileSync('ip', ['netns', 'exec', ns, 'cat', `/proc/sys/net/netfilter/${f}`], { encoding: 'utf8' }).trim());
      const got = JSON.parse(line) as { count: number; max: number } | null;
      assert.ok(got, 'conntrack is on in the namespace: not null');
      assert.deepEqual(got, { count: read('nf_conntrack_count'), max: read('nf_conntrack_max') });
      // five held connections through lo: five entries at least (one per connection)
      assert.ok(got.count >= 5, `count ${got.count} ≥ 5`);
    } finally {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
  });

  test('without nf_conntrack (its files absent): null, no error', () => {
    const onHost = existsSync('/proc/sys/net/netfilter/nf_conntrack_count');
    if (!onHost) assert.equal(readConntrack(), null);
    // where the kernel has it built in (this machine) the files always exist: a netfilter dir without them
    const dir = mkdtempSync(join(tmpdir(), 'tcptally-ct-'));
    try {
      assert.equal(readConntrack(dir), null);
      writeFileSync(join(dir, 'nf_conntrack_count'), '12\n');
      assert.equal(readConntrack(dir), null, 'count without max: null');
      writeFileSync(join(dir, 'nf_conntrack_max'), '262144\n');
      assert.deepEqual(readConntrack(dir), { count: 12, max: 262144 });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

/** ss's count of our sockets (on ADDR, to or from `port`) per ss state name: the oracle. */
function ssOurs(port: number): Map<string, number> {
  const out = execFileSync('ss', ['-tanH', '(', 'src', ADDR, 'or', 'dst', ADDR, ')', 'and', '(', 'sport', '=', `:${port}`, 'or', 'dport', '=', `:${port}`, ')'], { encoding: 'utf8' });
  const m = new Map<string, number>();
  for (const line of out.split('\n')) {
    const st = line.trim().split(/\s+/)[0];
    if (st) m.set(st, (m.get(st) ?? 0) + 1);
  }
  return m;
}

// one perfdata item per the plugin guidelines: 'label'=value[UOM];[warn];[crit];[min];[max]
const PERF_ITEM = /^('[^'=]+'|[^'= ]+)=(-?\d+(\.\d+)?)(s|us|ms|%|B|KB|MB|TB|c)?(;(\d+(\.\d+)?:?|~?:\d+)?){0,4}$/;

function parsePerf(line: string): Map<string, number> {
  const bar = line.indexOf(' | ');
  assert.ok(bar > 0, `perfdata after " | ": ${line}`);
  const m = new Map<string, number>();
  for (const item of line.slice(bar + 3).trim().split(/ +/)) {
    assert.match(item, PERF_ITEM);
    const eq = item.lastIndexOf('=');
    m.set(item.slice(0, eq).replace(/^'|'$/g, ''), Number(item.slice(eq + 1).split(';')[0].replace('%', '')));
  }
  return m;
}

describe('--check against real sockets', () => {
  const farm = new SocketFarm();
  let port = 0;
  const home = mkdtempSync(join(tmpdir(), 'tcptally-home-'));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [CLI, '--check', '-f', `host ${ADDR} and port = ${port}`, ...args], {
      encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: home, ...env },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  after(async () => {
    await farm.closeAll();
    rmSync(home, { recursive: true, force: true });
  });

  test('a listener with 3 CLOSE_WAIT: OK, WARNING, CRITICAL by the rules; counts equal ss; perfdata parses', async (t) => {
    if (!requireTool(t, 'ss', 'the oracle')) return;
    port = await farm.listen(ADDR);
    await farm.closeWait(ADDR, port, 3);
    assert.ok(await waitFor(() => ssOurs(port).get('CLOSE-WAIT') === 3 && ssOurs(port).get('FIN-WAIT-2') === 3), `ss: ${JSON.stringify([...ssOurs(port)])}`);

    const ok = run(['--warn', `CLOSE_WAIT:${port} > 3`]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /^TCPTALLY OK - 7 sockets, /);
    assert.equal(ok.err, '');

    const warn = run(['--warn', `CLOSE_WAIT:${port} > 2`, '--crit', `CLOSE_WAIT:${port} > 10`]);
    assert.equal(warn.code, 1, warn.out + warn.err);
    assert.match(warn.out, new RegExp(`^TCPTALLY WARNING - CLOSE_WAIT:${port} 3 > 2 \\| `));

    const crit = run(['--warn', 'close-wait > 1', '--crit', `CLOSE_WAIT:${port} > 2`, '--crit', 'ESTAB > 0']);
    assert.equal(crit.code, 2, crit.out + crit.err);
    assert.match(crit.out, new RegExp(`^TCPTALLY CRITICAL - CLOSE_WAIT:${port} 3 > 2, CLOSE_WAIT 3 > 1 \\(warning\\) \\| `));
    assert.equal(crit.out.trim().split('\n').length, 1, 'one line');

    const perf = parsePerf(crit.out.trim());
    const ss = ssOurs(port);
    assert.deepEqual(
      ['ESTABLISHED', 'FIN_WAIT2', 'CLOSE_WAIT', 'LISTEN', 'TIME_WAIT', 'total'].map((k) => perf.get(k)),
      [ss.get('ESTAB') ?? 0, ss.get('FIN-WAIT-2'), ss.get('CLOSE-WAIT'), ss.get('LISTEN'), ss.get('TIME-WAIT') ?? 0, [...ss.values()].reduce((a, b) => a + b, 0)],
    );
    assert.equal(perf.get('total'), 7);
    assert.equal(perf.get(`CLOSE_WAIT:${port}`), 3);
    // thresholds where a rule sets them: the state rule's warn on CLOSE_WAIT, the port rule's crit on its item
    assert.match(crit.out, / CLOSE_WAIT=3;1;;0 /);
    assert.match(crit.out, new RegExp(` 'CLOSE_WAIT:${port}'=3;;2;0 `));
    assert.match(crit.out, / ESTABLISHED=0;;0;0 /);
    assert.equal(perf.size >= 12, true, 'eleven states and the total');
  });

  test('the config file: rules from $XDG_CONFIG_HOME/tcptally/config, else ~/.config; a bad line is UNKNOWN (3)', async (t) => {
    if (!port) { assert.fail('needs the sockets of the test before'); }
    const xdg = join(home, 'xdg');
    mkdirSync(join(xdg, 'tcptally'), { recursive: true });
    writeFileSync(join(xdg, 'tcptally', 'config'), `# ours\nwarn CLOSE_WAIT:${port} >= 3  # the leak\n`);
    const viaXdg = run([], { XDG_CONFIG_HOME: xdg });
    assert.equal(viaXdg.code, 1, viaXdg.out + viaXdg.err);
    assert.match(viaXdg.out, new RegExp(`^TCPTALLY WARNING - CLOSE_WAIT:${port} 3 >= 3 \\| `));

    mkdirSync(join(home, '.config', 'tcptally'), { recursive: true });
    writeFileSync(join(home, '.config', 'tcptally', 'config'), `crit LISTEN:${port} < 2\n`);
    const viaHome = run([]);
    assert.equal(viaHome.code, 2, viaHome.out + viaHome.err);
    assert.match(viaHome.out, new RegExp(`^TCPTALLY CRITICAL - LISTEN:${port} 1 < 2 \\| `));

    writeFileSync(join(xdg, 'tcptally', 'config'), 'warn total > 1\ncrit CLOSE_WAIT >> 5\n');
    const bad = run([], { XDG_CONFIG_HOME: xdg });
    assert.equal(bad.code, 3);
    assert.equal(bad.err, 'tcptally: config line 2: bad rule "CLOSE_WAIT >> 5": expected a number, got ">" at column 13\n');
    assert.match(bad.out, /^TCPTALLY UNKNOWN - config line 2: /);
    rmSync(join(home, '.config'), { recursive: true });
  });

  test('UNKNOWN (3): a bad rule, a bad option, sockets that cannot be read', () => {
    const badRule = run(['--crit', 'CLOSE_WAIT > 80%']);
    assert.equal(badRule.code, 3);
    assert.equal(badRule.err, 'tcptally: bad rule "CLOSE_WAIT > 80%": "%" applies only to conntrack, acceptqueue and headroom at column 16\n');
    assert.equal(badRule.out, 'TCPTALLY UNKNOWN - bad rule "CLOSE_WAIT > 80%": "%" applies only to conntrack, acceptqueue and headroom at column 16\n');

    const badOpt = run(['--json']);
    assert.equal(badOpt.code, 3);
    assert.doesNotMatch(badOpt.err, /\n./, 'one line');

    const gone = run(['--pid', '4000000']);
    assert.equal(gone.code, 3);
    assert.match(gone.out, /^TCPTALLY UNKNOWN - /);
    assert.equal(gone.err.split('\n').length, 2, 'one line');
    assert.doesNotMatch(gone.err, /at .*\.js/, 'no stack trace');

    // outside --check the usual codes stand: a bad rule is 2
    const r = spawnSync(process.execPath, [CLI, '--once', '--warn', 'total >> 1'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'tcptally: bad rule "total >> 1": expected a number, got ">" at column 8 (try tcptally --help)\n');
  });

  test('rate(STATE) takes two samples: TIME_WAIT made while it runs warns at > 0.5/s, never critical at > 1000/s', async (t) => {
    if (!requireTool(t, 'ss', 'the oracle')) return;
    const tw = await farm.closingListener(ADDR);
    let made = 0;
    let running = true;
    // one TIME_WAIT every 100 ms while --check runs (bounded: at most 150)
    const maker = (async () => {
      while (running && made < 150) {
        await farm.timeWait(ADDR, tw, 1);
        made++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const child = spawn(process.execPath, [CLI, '--check', '-f', `host ${ADDR} and port = ${tw}`, '--warn', 'rate(TIME_WAIT) > 0.5', '--crit', 'rate(TIME_WAIT) > 1000', '-i', '1.5'],
        { env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      assert.equal(code, 1, out);
      // the rate depends on how fast this loaded machine makes them: only its sign and bounds are certain
      const m = /^TCPTALLY WARNING - rate\(TIME_WAIT\) ([\d.]+)\/s > 0\.5\/s \| /.exec(out);
      assert.ok(m, out);
      assert.ok(Number(m[1]) > 0.5 && Number(m[1]) <= 11, `at most one per 100 ms: ${m[1]}`);
      assert.match(out, / 'rate\(TIME_WAIT\)'=[\d.]+;0\.5;1000; /);
    } finally {
      running = false;
      await maker;
    }
  });
});
