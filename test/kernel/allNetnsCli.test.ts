/**
 * --all-netns through the CLI: a network namespace the test creates, holding a farm of sockets in
 * known states (test/helpers/farm-child.ts), is listed in `--json`'s namespaces with the per-state
 * counts `ip netns exec NS ss -tanH` gives, labelled with its process; the namespaces add up to the
 * total; a namespace's own view (`--pid`) agrees with it.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NetnsFarm } from '../helpers/netns.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const farm = new NetnsFarm(`tcptally-ns-cli-${process.pid}`);
let ready = false;

before(async () => {
  await farm.start(); // needs root and iproute2 (.ci/run installs it): failing here fails the file, never skips
  ready = true;
});
after(() => farm.stop());

const SS_TO_NAME: Record<string, string> = {
  ESTAB: 'ESTABLISHED', 'TIME-WAIT': 'TIME_WAIT', 'CLOSE-WAIT': 'CLOSE_WAIT', 'FIN-WAIT-2': 'FIN_WAIT2', LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'FIN-WAIT-1': 'FIN_WAIT1', 'LAST-ACK': 'LAST_ACK', CLOSING: 'CLOSING', UNCONN: 'CLOSE',
};

test('--json --all-netns lists the namespace with ss\'s counts inside it; the namespaces add up', async () => {
  assert.ok(ready);
  const inode = Number(/net:\[(\d+)\]/.exec(readlinkSync(`/proc/${farm.pid}/ns/net`))![1]);
  const j = JSON.parse(execFileSync(process.execPath, [CLI, '--json', '--all-netns'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  assert.equal(j.source, 'netns');
  const ns = (j.namespaces as { inode: number; label: string; own: boolean; pids: number[]; total: number; states: Record<string, number> }[]);
  assert.ok(ns[0].own, 'ours first');
  const mine = ns.find((e) => e.inode === inode);
  assert.ok(mine, `namespace ${inode} listed`);
  assert.deepEqual(mine!.pids, [farm.pid]);
  assert.equal(mine!.label, 'node', 'labelled with its process (no container here)');
  const want: Record<string, number> = {};
  for (const [state, n] of farm.ss()) want[SS_TO_NAME[state]] = n;
  const got = Object.fromEntries(Object.entries(mine!.states).filter(([, n]) => n > 0));
  assert.deepEqual(got, want);
  assert.equal(ns.reduce((a, e) => a + e.total, 0), j.total, 'every socket counted under exactly one namespace');
  // the namespace's own view, through --pid, agrees
  const own = JSON.parse(execFileSync(process.execPath, [CLI, '--json', '--pid', String(farm.pid)], { encoding: 'utf8' }));
  assert.deepEqual(Object.fromEntries(Object.entries(own.states as Record<string, number>).filter(([, n]) => n > 0)), want);
});

test('--all-netns refuses --pid and --source si', () => {
  for (const args of [['--all-netns', '--pid', '1'], ['--all-netns', '--source', 'si']]) {
    try {
      execFileSync(process.execPath, [CLI, '--json', ...args], { encoding: 'utf8', stdio: 'pipe' });
      assert.fail('accepted');
    } catch (e) {
      assert.equal((e as { status: number }).status, 2);
      assert.match(String((e as { stderr: string }).stderr), /^tcptally: --all-netns reads every namespace and cannot be used with --(pid|source si)/);
    }
  }
});
