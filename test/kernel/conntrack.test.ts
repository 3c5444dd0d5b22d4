/**
 * conntrack through the whole program: in a namespace of the test's own (tt-alerts-PID-N) where an nft
 * `ct state` rule turns conntrack on, tcptally --json run there reports count and max equal to that
 * namespace's /proc/sys/net/netfilter/nf_conntrack_{count,max}; --check there reads the same; with --pid
 * (another namespace, whose /proc/sys cannot be read from outside) conntrack is null, without an error.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CT_CHILD = fileURLToPath(new URL('../helpers/conntrack-child.js', import.meta.url));
const NS = `tt-alerts-${process.pid}-1`;
const CONNECTIONS = 5;

const inNs = (...argv: string[]) => ['netns', 'exec', NS, ...argv];
/** nf_conntrack_count and _max as the namespace itself reads them. */
const procFill = () => {
  const read = (f: string) => Number(execFileSync('ip', inNs('cat', `/proc/sys/net/netfilter/${f}`), { encoding: 'utf8' }).trim());
  return { count: read('nf_conntrack_count'), max: read('nf_conntrack_max') };
};
/** tcptally run inside the namespace (its own /proc/sys). */
const tcptally = (...args: string[]) => spawnSync('ip', inNs(process.execPath, CLI, ...args), { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: '/nonexistent' } });

describe('conntrack against the kernel', { skip: suiteSkip(['netns', 'nft'], 'a namespace of our own with an nft ct rule') }, () => {
  let child: ChildProcess | null = null;

  before(async () => {
    spawnSync('ip', ['netns', 'delete', NS], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', inNs('ip', 'link', 'set', 'lo', 'up'));
    const nft = (...args: string[]) => execFileSync('ip', inNs('nft', ...args));
    nft('add', 'table', 'inet', 'tcptally_alerts_ct');
    nft('add', 'chain', 'inet', 'tcptally_alerts_ct', 'c', '{ type filter hook input priority 0 ; }');
    nft('add', 'rule', 'inet', 'tcptally_alerts_ct', 'c', 'ct', 'state', 'established', 'accept');
    // held connections on the namespace's loopback: one conntrack entry each
    child = spawn('ip', inNs(process.execPath, CT_CHILD, String(CONNECTIONS)), { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      const timer = setTimeout(() => reject(new Error('conntrack child silent for 15 s')), 15_000);
      rl.once('line', () => { clearTimeout(timer); resolve(); });
      child!.once('exit', (c) => { clearTimeout(timer); reject(new Error(`conntrack child exited ${c}`)); });
    });
  });

  after(async () => {
    if (child) {
      child.stdin!.end();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        const timer = setTimeout(() => { try { process.kill(child!.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(timer);
      }
    }
    spawnSync('ip', ['netns', 'delete', NS], { stdio: 'ignore' });
  });

  test('--json: conntrack {count, max} equal nf_conntrack_count / _max read in the same namespace', () => {
    const before = procFill();
    const r = tcptally('--json', '--no-owners');
    const after = procFill();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    // held connections do not come and go: the files say the same before and after the run
    assert.deepEqual(after, before, 'the namespace\'s conntrack table held still');
    const json = JSON.parse(r.stdout) as { conntrack: { count: number; max: number } | null; alerts: unknown[] };
    assert.deepEqual(json.conntrack, before);
    assert.ok(before.count >= CONNECTIONS, `one entry per held connection at least: ${before.count}`);
    assert.deepEqual(json.alerts, [], `${before.count} of ${before.max}: far below the 80 % fill`);
  });

  test('--once prints it; a rule on conntrack fires in --json and --check alike', () => {
    const fill = procFill();
    const once = tcptally('--once', '--no-owners');
    assert.equal(once.status, 0, once.stderr);
    assert.match(once.stdout, new RegExp(`^total \\d+ .*  conntrack ${fill.count}/${fill.max}$`, 'm'));

    const json = tcptally('--json', '--no-owners', '--crit', `conntrack >= ${CONNECTIONS}`);
    assert.equal(json.status, 0, json.stderr);
    const alerts = (JSON.parse(json.stdout) as { alerts: { level: string; metric: string; value: number; threshold: number }[] }).alerts;
    assert.deepEqual(alerts.map((a) => [a.level, a.metric, a.value, a.threshold]), [['critical', 'conntrack', fill.count, CONNECTIONS]]);

    const check = tcptally('--check', '--no-owners', '--crit', `conntrack >= ${CONNECTIONS}`);
    assert.equal(check.status, 2, check.stdout + check.stderr);
    assert.match(check.stdout, new RegExp(`^TCPTALLY CRITICAL - conntrack ${fill.count} >= ${CONNECTIONS} \\| .* conntrack=${fill.count};;\\d+;0;${fill.max} `));
  });

  test('--pid of a process in that namespace: conntrack is not ours to read: null, no error', () => {
    const r = spawnSync(process.execPath, [CLI, '--json', '--no-owners', '--pid', String(child!.pid)], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const json = JSON.parse(r.stdout) as { conntrack: unknown; total: number };
    assert.equal(json.conntrack, null);
    assert.ok(json.total >= 2 * CONNECTIONS, `the namespace's sockets were read: ${json.total}`);
  });
});
