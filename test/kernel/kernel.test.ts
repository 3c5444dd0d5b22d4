/**
 * The kernel is the test peer: real sockets on loopback (127.0.77.1 and ::1) in LISTEN, ESTABLISHED,
 * TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, and, with nftables DROP rules on our own ports, SYN_SENT and
 * SYN_RECV. tcptally's per-state counts for those ports must equal `ss -tanH`'s, for each source,
 * for the CLI's JSON, and for --pid of a process in a network namespace this test creates.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { stateByCode, stateCodeOf } from '../../src/model/states.js';
import { SocketTable } from '../../src/model/table.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { ProcSource } from '../../src/sources/proc.js';
import type { Source } from '../../src/sources/types.js';
import { addDropRules, nftAvailable, removeDropRules, SocketFarm, ssCounts, V4, waitFor } from '../helpers/sockets.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/farm-child.js', import.meta.url));
const REQUIRE_ALL = process.env.CI === 'true' || process.env.CI === '1';

/** Per-state counts (ss names) of the sockets of `ports`, as a source reads them. */
const OURS = compileFilter(parseFilter(`addr ${V4} or addr ::1`));

async function sourceCounts(src: Source, ports: Set<number>): Promise<Map<string, number>> {
  const t = new SocketTable(64);
  await src.read(t);
  const m = new Map<string, number>();
  for (let i = 0; i < t.n; i++) {
    if (!ports.has(t.lport[i]) && !ports.has(t.rport[i])) continue;
    if (!OURS(t, i)) continue;
    const name = stateByCode(t.state[i])!.ssName;
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return m;
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort();

/** Compares against ss, retrying when ss itself saw the sockets move between two reads. */
async function assertEqualsSs(read: () => Promise<Map<string, number>>, ports: Set<number>, netns?: string, anyAddress = false) {
  let last: [Map<string, number>, Map<string, number>] | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = ssCounts(ports, netns, anyAddress);
    const ours = await read();
    const afterSs = ssCounts(ports, netns, anyAddress);
    if (JSON.stringify(sorted(before)) !== JSON.stringify(sorted(afterSs))) continue; // churn: try again
    last = [ours, before];
    if (JSON.stringify(sorted(ours)) === JSON.stringify(sorted(before))) return before;
  }
  assert.ok(last, 'ss kept changing under the test');
  assert.deepEqual(sorted(last[0]), sorted(last[1]));
  return last[1];
}

describe('against the real kernel (loopback)', () => {
  const farm = new SocketFarm();
  let nft = false;
  let synSentPort = 0, synRecvPort = 0;

  before(async () => {
    const l4 = await farm.listen(V4);
    const l6 = await farm.listen('::1');
    const tw4 = await farm.closingListener(V4);
    const tw6 = await farm.closingListener('::1');
    await farm.established(V4, l4, 5);
    await farm.established('::1', l6, 3);
    await farm.timeWait(V4, tw4, 6);
    await farm.timeWait('::1', tw6, 2);
    await farm.closeWait(V4, l4, 4); // 4 CLOSE_WAIT (server side) + 4 FIN_WAIT2 (client side)
    await farm.closeWait('::1', l6, 1);
    nft = nftAvailable();
    if (nft) {
      synSentPort = await farm.listen(V4);
      synRecvPort = await farm.listen(V4);
      addDropRules(synSentPort, synRecvPort);
      for (let i = 0; i < 3; i++) await farm.connect(V4, synSentPort, false);
      for (let i = 0; i < 2; i++) await farm.connect(V4, synRecvPort, true);
      const ok = await waitFor(() => {
        const c = ssCounts(farm.ports);
        return c.get('SYN-SENT') === 3 && c.get('SYN-RECV') === 2;
      });
      assert.ok(ok, 'the DROP rules put sockets in SYN_SENT and SYN_RECV');
    } else if (REQUIRE_ALL) {
      assert.fail('nft is not available: .ci/run must install nftables (and run as root)');
    }
    await waitFor(() => (ssCounts(farm.ports).get('TIME-WAIT') ?? 0) === 8);
  });

  after(async () => {
    if (nft) removeDropRules();
    await farm.closeAll();
  });

  test('the farm holds every state it should (the comparison is not vacuous)', (t) => {
    const c = ssCounts(farm.ports);
    for (const s of ['LISTEN', 'ESTAB', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2']) assert.ok((c.get(s) ?? 0) > 0, s);
    if (!nft) t.skip('nftables unavailable: no SYN_SENT / SYN_RECV');
    else for (const s of ['SYN-SENT', 'SYN-RECV']) assert.ok((c.get(s) ?? 0) > 0, s);
  });

  test('netlink source: per-state counts equal ss', async () => {
    const src = new NetlinkSource();
    try {
      await assertEqualsSs(() => sourceCounts(src, farm.ports), farm.ports);
    } finally {
      src.close();
    }
  });

  test('proc source: per-state counts equal ss', async () => {
    const src = new ProcSource('/proc/net');
    await assertEqualsSs(() => sourceCounts(src, farm.ports), farm.ports);
  });

  for (const source of ['netlink', 'proc', 'auto']) {
    test(`CLI --json --source ${source} with a port filter: states equal ss`, async () => {
      const expr = `(${[...farm.ports].map((p) => `port = ${p}`).join(' or ')}) and (addr ${V4} or addr ::1)`;
      await assertEqualsSs(async () => {
        const out = execFileSync(process.execPath, [CLI, '--json', '--source', source, '--filter', expr], { encoding: 'utf8' });
        const j = JSON.parse(out) as { source: string; states: Record<string, number> };
        assert.equal(j.source, source === 'auto' ? 'netlink' : source);
        const m = new Map<string, number>();
        for (const [name, n] of Object.entries(j.states)) if (n > 0) m.set(stateByCode(stateCodeOf(name))!.ssName, n);
        return m;
      }, farm.ports);
    });
  }
});

describe('--pid: the sockets of another network namespace', () => {
  const ns = `tcptally-test-${process.pid}`;
  let child: ChildProcess | null = null;
  let usable = false;

  before(async () => {
    usable = spawnSync('ip', ['netns', 'add', ns]).status === 0;
    if (!usable) {
      if (REQUIRE_ALL) assert.fail('cannot create a network namespace (needs root and iproute2)');
      return;
    }
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    child = spawn('ip', ['netns', 'exec', ns, process.execPath, CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('farm child did not get ready in 20 s')), 20_000);
      child!.stdout!.on('data', (d: Buffer) => {
        if (d.toString().startsWith('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`farm child exited (${code})`)));
    });
  });

  after(() => {
    if (child?.pid) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    if (usable) spawnSync('ip', ['netns', 'delete', ns]);
  });

  test('tcptally --pid PID --json equals ss inside that namespace', async (t) => {
    if (!usable) return t.skip('no network namespaces here');
    const all = new Set<number>(Array.from({ length: 65536 }, (_, i) => i)); // the namespace is ours alone
    const seen = await assertEqualsSs(async () => {
      const out = execFileSync(process.execPath, [CLI, '--json', '--pid', String(child!.pid)], { encoding: 'utf8' });
      const j = JSON.parse(out) as { source: string; states: Record<string, number> };
      assert.equal(j.source, 'proc');
      const m = new Map<string, number>();
      for (const [name, n] of Object.entries(j.states)) if (n > 0) m.set(stateByCode(stateCodeOf(name))!.ssName, n);
      return m;
    }, all, ns, true);
    assert.equal(seen.get('ESTAB'), 10);
    assert.equal(seen.get('TIME-WAIT'), 4);
    assert.equal(seen.get('CLOSE-WAIT'), 2);
    // and the host's own farm is not in there
    const hostSs = ssCounts(all, undefined, true);
    assert.notDeepEqual(sorted(hostSs), sorted(seen));
  });
});
