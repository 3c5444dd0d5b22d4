import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeyCounter } from '../../src/model/keycounter.js';
import { RowSet } from '../../src/model/rowset.js';
import { tableOf } from '../../src/model/records.js';
import { Tallier } from '../../src/model/tally.js';
import type { SocketRecord } from '../../src/model/table.js';

test('KeyCounter counts per key and state through growth and rehashing', () => {
  const kc = new KeyCounter();
  for (let i = 0; i < 50_000; i++) kc.bump(0, 0, 0, i % 7000, i % 3, 1 + (i % 11));
  assert.equal(kc.n, 21_000); // lcm(7000, 3) distinct keys
  let total = 0;
  for (let id = 0; id < kc.n; id++) total += kc.totals[id];
  assert.equal(total, 50_000);
  kc.clear();
  kc.bump(1, 2, 3, 4, 5, 6);
  kc.bump(1, 2, 3, 4, 5, 6);
  assert.equal(kc.n, 1);
  assert.equal(kc.value(0, 6), 2);
  assert.equal(kc.value(0, 0), 2);
});

test('RowSet finds equal rows exactly (family, both ends, inode)', () => {
  const t = tableOf([
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 1, raddr: '10.0.0.2', rport: 2, inode: 5 },
    { family: 4, state: 6, laddr: '10.0.0.1', lport: 1, raddr: '10.0.0.2', rport: 2, inode: 5 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 1, raddr: '10.0.0.2', rport: 2, inode: 6 },
    { family: 6, state: 1, laddr: '::a00:1', lport: 1, raddr: '::a00:2', rport: 2, inode: 5 },
  ]);
  const s = new RowSet();
  assert.deepEqual([0, 1, 2, 3].map((i) => s.add(t, i)), [true, false, true, true]);
});

const arbSocket = fc.record({
  family: fc.constantFrom(4 as const, 6 as const),
  state: fc.integer({ min: 1, max: 11 }),
  laddr: fc.constant('10.0.0.1'),
  lport: fc.integer({ min: 1, max: 40 }),
  raddr: fc.constantFrom('10.0.0.2', '10.0.0.3', '10.0.0.4', '::ffff:10.0.0.2', '2001:db8::1', '2001:db8::2'),
  rport: fc.integer({ min: 1, max: 6 }),
});

test('property: a top-N list equals the full list sorted and cut, for any sort key and direction', () => {
  fc.assert(
    fc.property(fc.array(arbSocket, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom<'total' | 1 | 6 | 8>('total', 1, 6, 8), fc.boolean(), (socks, top, sortBy, ascending) => {
      const t = tableOf(socks.map((s) => ({ ...s, laddr: s.family === 6 ? '2001:db8::100' : s.laddr, raddr: s.family === 4 && s.raddr.includes(':') && !s.raddr.startsWith('::ffff') ? '10.0.0.5' : s.raddr })) as SocketRecord[]);
      const tl = new Tallier();
      const full = tl.tally(t, { sortBy, ascending, top: 0 });
      const cut = tl.tally(t, { sortBy, ascending, top });
      assert.deepEqual(cut.peers, full.peers.slice(0, top));
      assert.deepEqual(cut.peerPorts, full.peerPorts.slice(0, top));
      assert.deepEqual(cut.ports, full.ports.slice(0, top));
      assert.equal(cut.peerCount, full.peerCount);
    }),
    { numRuns: 200 },
  );
});
