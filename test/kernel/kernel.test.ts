/**
 * The kernel is the test peer: real sockets on loopback (127.0.77.1 and ::1) in LISTEN, ESTABLISHED,
 * TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, and, with nftables DROP rules on our own ports, SYN_SENT and
 * SYN_RECV. tcptally's per-state counts for those ports must equal `ss -tanH`'s, for each source,
 * for the CLI's JSON, and for --pid of a process in a network namespace this test creates.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stateByCode, stateCodeOf } from '../../src/model/states.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { ProcSource } from '../../src/sources/proc.js';
import { assertEqualsSs, sorted, sourceCounts } from '../helpers/kernelCompare.js';
import { ALL_PORTS, NetnsFarm } from '../helpers/netns.js';
import { addDropRules, removeDropRules, SocketFarm, ssCounts, V4, waitFor } from '../helpers/sockets.js';
import { haveTool, requireTool, suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const SYN_WHY = 'SYN_SENT and SYN_RECV need nftables DROP rules on the test ports';

describe('against the real kernel (loopback)', { skip: suiteSkip(['ss'], 'ss -tanH is the oracle') }, () => {
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
    nft = haveTool('nft', SYN_WHY);
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
    if (!requireTool(t, 'nft', SYN_WHY)) return;
    for (const s of ['SYN-SENT', 'SYN-RECV']) assert.ok((c.get(s) ?? 0) > 0, s);
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

describe('--pid: the sockets of another network namespace', { skip: suiteSkip(['ss', 'netns'], 'the --pid test makes a namespace of its own') }, () => {
  const ns = new NetnsFarm(`tcptally-test-${process.pid}`);

  before(() => ns.start());
  after(() => ns.stop());

  test('tcptally --pid PID --json equals ss inside that namespace', async () => {
    const seen = await assertEqualsSs(async () => {
      const out = execFileSync(process.execPath, [CLI, '--json', '--pid', String(ns.pid)], { encoding: 'utf8' });
      const j = JSON.parse(out) as { source: string; states: Record<string, number> };
      assert.equal(j.source, 'proc');
      const m = new Map<string, number>();
      for (const [name, n] of Object.entries(j.states)) if (n > 0) m.set(stateByCode(stateCodeOf(name))!.ssName, n);
      return m;
    }, ALL_PORTS, ns.name, true);
    assert.equal(seen.get('ESTAB'), 10);
    assert.equal(seen.get('TIME-WAIT'), 4);
    assert.equal(seen.get('CLOSE-WAIT'), 2);
    // and the host's own farm is not in there
    const hostSs = ssCounts(ALL_PORTS, undefined, true);
    assert.notDeepEqual(sorted(hostSs), sorted(seen));
  });
});
