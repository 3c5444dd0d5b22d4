/**
 * Health against the kernel: conntrack read inside a namespace of the test's own (tcptally-hl-*) equals
 * its /proc/sys files; without the files, null.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { readConntrack } from '../../src/sources/conntrack.js';
import { requireTool } from '../helpers/tools.js';

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
