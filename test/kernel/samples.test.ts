/**
 * A source is read once per tick for hours: every sample must be right, not only the first. Each test
 * keeps one source and one table (as the sampler does) over four samples of real loopback sockets,
 * opening and resetting sockets between samples; each sample's per-state counts must equal `ss -tanH`'s.
 * For the proc source also through --pid: a process in a network namespace this test creates.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SocketTable } from '../../src/model/table.js';
import { openSource } from '../../src/sources/index.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { ProcSource } from '../../src/sources/proc.js';
import type { Source } from '../../src/sources/types.js';
import { assertEqualsSs, sourceCounts } from '../helpers/kernelCompare.js';
import { ALL_PORTS, NetnsFarm } from '../helpers/netns.js';
import { SocketFarm, ssCounts, V4, waitFor } from '../helpers/sockets.js';
import { suiteSkip } from '../helpers/tools.js';

const get = (m: Map<string, number>, state: string) => m.get(state) ?? 0;

/**
 * Waits (bounded) until ss shows `want` (ss state names → counts): the farm did what the step meant
 * (a half-close takes a moment to reach CLOSE_WAIT), so the sample after it is not vacuous.
 */
async function settle(ss: () => Map<string, number>, want: Record<string, number>, label: string): Promise<void> {
  const ok = await waitFor(() => { const c = ss(); return Object.entries(want).every(([k, v]) => get(c, k) === v); });
  assert.ok(ok, `${label}: ss should show ${JSON.stringify(want)}, shows ${JSON.stringify([...ss()])}`);
}

describe('sources over several samples, sockets changing between them', { skip: suiteSkip(['ss'], 'ss -tanH is the oracle') }, () => {
  const sources: [string, () => Source][] = [
    ['proc', () => new ProcSource('/proc/net')],
    ['netlink', () => new NetlinkSource()],
  ];
  for (const [name, make] of sources) {
    test(`${name} source: four samples in a row each equal ss`, async () => {
      const farm = new SocketFarm();
      const src = make();
      const table = new SocketTable(64);
      const sample = (label: string) => assertEqualsSs(() => sourceCounts(src, farm.ports, table), farm.ports, undefined, false, `${label}: `);
      try {
        const l4 = await farm.listen(V4);
        const l6 = await farm.listen('::1');
        const closing = await farm.closingListener(V4);
        const ss = () => ssCounts(farm.ports);
        const tw0 = get(ss(), 'TIME-WAIT'); // 0 unless an earlier run left some on a reused port

        await farm.established(V4, l4, 3);
        await farm.established('::1', l6, 2);
        await settle(ss, { LISTEN: 3, ESTAB: 10 }, 'step 1: 5 pairs');
        await sample('sample 1');

        await farm.established(V4, l4, 4);
        await farm.timeWait(V4, closing, 3);
        await farm.closeWait(V4, l4, 2);
        await settle(ss, { ESTAB: 18, 'CLOSE-WAIT': 2, 'FIN-WAIT-2': 2, 'TIME-WAIT': tw0 + 3 }, 'step 2: 4 more pairs, 3 TIME_WAIT, 2 half-closed');
        await sample('sample 2 (more sockets)');

        await farm.reset(6);
        await farm.established('::1', l6, 1);
        await settle(ss, { ESTAB: 8, 'CLOSE-WAIT': 2 }, 'step 3: 6 pairs reset, 1 opened');
        await sample('sample 3 (6 pairs reset, 1 opened)');

        await farm.reset(100);
        await farm.timeWait(V4, closing, 2);
        await settle(ss, { ESTAB: 0, 'TIME-WAIT': tw0 + 5, LISTEN: 3 }, 'step 4: every pair reset, 2 more TIME_WAIT');
        await sample('sample 4 (every pair reset)');
      } finally {
        src.close();
        await farm.closeAll();
      }
    });
  }
});

describe('--pid over several samples: a network namespace whose sockets change', { skip: suiteSkip(['ss', 'netns'], 'the --pid test makes a namespace of its own') }, () => {
  const ns = new NetnsFarm(`tcptally-samples-${process.pid}`);

  before(() => ns.start());
  after(() => ns.stop());

  test('the --pid source (/proc/PID/net) over four samples equals ss inside the namespace', async () => {
    const src = await openSource({ source: 'auto', pid: ns.pid });
    assert.equal(src.name, 'proc');
    assert.equal(src.where, `/proc/${ns.pid}/net`);
    const table = new SocketTable(64);
    const sample = (label: string) => assertEqualsSs(() => sourceCounts(src, ALL_PORTS, table, true), ALL_PORTS, ns.name, true, `${label}: `);
    try {
      const ss = () => ns.ss();
      await settle(ss, { ESTAB: 10, 'TIME-WAIT': 4, 'CLOSE-WAIT': 2 }, 'the child starts with 5 pairs');
      const s1 = await sample('sample 1');

      await ns.command('estab 3');
      await ns.command('tw 2');
      await ns.command('cw 1');
      await settle(ss, { ESTAB: 16, 'TIME-WAIT': 6, 'CLOSE-WAIT': 3 }, 'step 2: 3 more pairs, 2 TIME_WAIT, 1 half-closed');
      await sample('sample 2 (more sockets)');

      await ns.command('reset 6');
      await settle(ss, { ESTAB: 4, 'CLOSE-WAIT': 3 }, 'step 3: 6 pairs reset');
      await sample('sample 3 (6 pairs reset)');

      await ns.command('reset 100');
      await ns.command('estab 1');
      await settle(ss, { ESTAB: 2, 'TIME-WAIT': 6 }, 'step 4: every pair reset, 1 opened');
      const s4 = await sample('sample 4 (every pair reset, 1 opened)');
      // what the namespace holds is not what the host holds
      assert.notDeepEqual([...ssCounts(ALL_PORTS, undefined, true)].sort(), [...s4].sort());
      assert.notDeepEqual([...s1].sort(), [...s4].sort());
    } finally {
      src.close();
    }
  });
});
