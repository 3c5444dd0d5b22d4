import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFilter } from '../../src/model/filter.js';
import type { SocketRecord } from '../../src/model/table.js';
import { Sampler, type Snapshot } from '../../src/sampler/sampler.js';
import { FakeSource } from '../helpers/fakeSource.js';

const tw = (n: number): SocketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ family: 4, state: 6, laddr: '127.0.0.1', lport: 40000 + i, raddr: '127.0.0.2', rport: 80 }));

test('deltas, history and counter rates follow successive samples', async () => {
  let c = 0;
  let clock = 0;
  const s = new Sampler(new FakeSource([tw(3), tw(5), tw(2)]), {
    intervalMs: 1000,
    readCounters: () => ({ 'Tcp.ActiveOpens': (c += 10) }),
    now: () => (clock += 1000),
  });
  const a = await s.sample();
  const b = await s.sample();
  const d = await s.sample();
  assert.equal(a.deltas[6], 0);
  assert.equal(b.deltas[6], 2);
  assert.equal(d.deltas[6], -3);
  assert.deepEqual(d.history[6], [3, 5, 2]);
  assert.deepEqual(d.history[0], [3, 5, 2]);
  assert.deepEqual(a.rates, {});
  assert.equal(d.rates['Tcp.ActiveOpens'], 10);
  assert.deepEqual(d.historyTimes, [1000, 2000, 3000]);
});

test('never overlapping: a slow sample skips ticks, marks the snapshot stale and stretches the interval', async () => {
  const src = new FakeSource([tw(1)], 250);
  const s = new Sampler(src, { intervalMs: 100 });
  const snaps: Snapshot[] = [];
  s.subscribe((x) => snaps.push(x));
  s.start();
  await sleep(1200);
  s.stop();
  assert.equal(src.maxInFlight, 1, 'reads never overlap');
  assert.ok(snaps.length >= 2 && snaps.length <= 5, `${snaps.length} samples in 1.2 s at 250 ms each`);
  assert.ok(snaps.every((x) => x.stale));
  const last = snaps[snaps.length - 1];
  assert.ok(last.skippedTicks >= 2);
  assert.equal(last.effectiveIntervalMs, 300);
});

test('a fast source keeps the interval and is not stale', async () => {
  const s = new Sampler(new FakeSource([tw(1)]), { intervalMs: 100 });
  const snaps: Snapshot[] = [];
  s.subscribe((x) => snaps.push(x));
  s.start();
  await sleep(550);
  s.stop();
  assert.ok(snaps.length >= 4 && snaps.length <= 7, String(snaps.length));
  assert.ok(snaps.every((x) => !x.stale));
  assert.equal(snaps[snaps.length - 1].effectiveIntervalMs, 100);
});

test('setFilter re-tallies the last table at once and restarts history', async () => {
  const frame: SocketRecord[] = [...tw(4), { family: 4, state: 1, laddr: '127.0.0.1', lport: 5000, raddr: '127.0.0.1', rport: 6000 }];
  const s = new Sampler(new FakeSource([frame]), { intervalMs: 1000 });
  await s.sample();
  await s.sample();
  let got: Snapshot | null = null;
  s.subscribe((x) => (got = x));
  s.setFilter('estab', parseFilter('estab'));
  const snap = got as unknown as Snapshot;
  assert.equal(snap.tally.total, 1);
  assert.equal(snap.filter, 'estab');
  assert.deepEqual(snap.history[0], []);
  assert.equal(s.getSnapshot(), snap, 'the store hands out the same object until data changes');
});

test('history memory is fixed: capacity from interval and window, not from run time', async () => {
  const s = new Sampler(new FakeSource([tw(1)]), { intervalMs: 100, historySeconds: 10 });
  for (let i = 0; i < 250; i++) await s.sample();
  assert.equal(s.getSnapshot()!.history[6].length, 100);
});
