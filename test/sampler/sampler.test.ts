import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseFilter } from '../../src/model/filter.js';
import type { SocketRecord } from '../../src/model/table.js';
import { Sampler } from '../../src/sampler/sampler.js';
import type { Snapshot } from '../../src/store/store.js';
import { FakeSource } from '../helpers/fakeSource.js';

const tw = (n: number): SocketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ family: 4, state: 6, laddr: '127.0.0.1', lport: 40000 + i, raddr: '127.0.0.2', rport: 80 }));

test('deltas, history and counter rates follow successive samples', async () => {
  let c = 0;
  let clock = 0;
  const s = new Sampler(new FakeSource([tw(3), tw(5), tw(2)]), {
    query: { intervalMs: 1000, trendSeries: 6, trendPoints: 10 },
    readCounters: () => ({ 'Tcp.ActiveOpens': (c += 10) }),
    now: () => (clock += 1000),
  });
  const a = await s.sample();
  const b = await s.sample();
  const d = await s.sample();
  assert.equal(a.deltas[6], 0);
  assert.equal(b.deltas[6], 2);
  assert.equal(d.deltas[6], -3);
  assert.deepEqual(d.trend.values, [3, 5, 2]);
  assert.deepEqual(d.trend.stats, { current: 2, min: 2, max: 5, ratePerSec: -0.5, points: 3 });
  assert.deepEqual(a.rates, {});
  assert.equal(d.rates['Tcp.ActiveOpens'], 10);
  assert.deepEqual(d.trend.times, [1000, 2000, 3000]);
});

test('never overlapping: a slow sample skips ticks, marks the snapshot stale and stretches the interval', async () => {
  const src = new FakeSource([tw(1)], 250);
  const s = new Sampler(src, { query: { intervalMs: 100 } });
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
  const s = new Sampler(new FakeSource([tw(1)]), { query: { intervalMs: 100 } });
  const snaps: Snapshot[] = [];
  s.subscribe((x) => snaps.push(x));
  s.start();
  await sleep(550);
  s.stop();
  assert.ok(snaps.length >= 4 && snaps.length <= 7, String(snaps.length));
  assert.ok(snaps.every((x) => !x.stale));
  assert.equal(snaps[snaps.length - 1].effectiveIntervalMs, 100);
});

test('a new filter re-tallies the last table at once and restarts history', async () => {
  const frame: SocketRecord[] = [...tw(4), { family: 4, state: 1, laddr: '127.0.0.1', lport: 5000, raddr: '127.0.0.1', rport: 6000 }];
  const s = new Sampler(new FakeSource([frame]), { query: { intervalMs: 1000 } });
  await s.sample();
  await s.sample();
  let got: Snapshot | null = null;
  s.subscribe((x) => (got = x));
  s.setQuery({ filterText: 'estab', filter: parseFilter('estab') });
  const snap = got as unknown as Snapshot;
  assert.equal(snap.tally.total, 1);
  assert.equal(snap.filter, 'estab');
  assert.deepEqual(snap.trend.values, []);
  assert.equal(s.getSnapshot(), snap, 'the store hands out the same object until data changes');
});

test('history memory is fixed: capacity from interval and window, not from run time', async () => {
  const s = new Sampler(new FakeSource([tw(1)]), { query: { intervalMs: 100, trendSeries: 6, trendPoints: 1000 }, historySeconds: 10 });
  for (let i = 0; i < 250; i++) await s.sample();
  assert.equal(s.getSnapshot()!.trend.values.length, 100);
  assert.equal(s.getSnapshot()!.trend.stats.points, 100);
});

test('only the trend points the reader draws travel in a snapshot; the stats cover the whole window', async () => {
  let clock = 0;
  const frames = [1, 4, 9, 2, 7].map((n) => tw(n));
  const s = new Sampler(new FakeSource(frames), { query: { intervalMs: 1000, trendSeries: 6, trendPoints: 2 }, now: () => (clock += 1000) });
  for (let i = 0; i < 5; i++) await s.sample();
  const snap = s.getSnapshot()!;
  assert.deepEqual(snap.trend.values, [2, 7]);
  assert.deepEqual(snap.trend.times, [4000, 5000]);
  assert.deepEqual(snap.trend.stats, { current: 7, min: 1, max: 9, ratePerSec: 1.5, points: 5 });
  let got: Snapshot | null = null;
  s.subscribe((x) => (got = x));
  s.setQuery({ trendSeries: 1, trendPoints: 3 });
  assert.deepEqual((got as unknown as Snapshot).trend.values, [0, 0, 0], 'another series, re-sliced without a new read');
  assert.equal((got as unknown as Snapshot).seq, snap.seq);
  got = null;
  s.setQuery({ trendSeries: 1, trendPoints: 3, intervalMs: 1000 });
  assert.equal(got, null, 'a query that changes nothing publishes nothing');
});
