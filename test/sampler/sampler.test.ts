import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../../src/model/filter.js';
import { parseRule } from '../../src/model/rules.js';
import type { SocketRecord, SocketTable } from '../../src/model/table.js';
import { Sampler } from '../../src/sampler/sampler.js';
import type { Snapshot } from '../../src/store/store.js';
import { ClockedSource, FakeClock } from '../helpers/fakeClock.js';
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

const EPOCH = 1_767_225_600_000; // 2026-01-01T00:00:00Z: the epoch clock follows the fake one

/** A sampler over a source whose reads take `durations` ms (the last repeats), all on a fake clock. */
function clocked(intervalMs: number, durations: number[]) {
  const clock = new FakeClock();
  const src = new ClockedSource(clock, durations, tw(1));
  const s = new Sampler(src, { query: { intervalMs }, clock, now: () => EPOCH + clock.now() });
  const snaps: Snapshot[] = [];
  s.subscribe((x) => snaps.push(x));
  return { clock, src, s, snaps };
}

/** The timing fields of each snapshot, as [start ms since the epoch above, stale, skippedTicks, effectiveIntervalMs, sampleMs]. */
const timing = (snaps: Snapshot[]) => snaps.map((x) => [x.time - EPOCH, x.stale, x.skippedTicks, x.effectiveIntervalMs, x.sampleMs]);

test('a fast source: a sample every interval, on the interval, never stale', async () => {
  const { clock, src, s, snaps } = clocked(100, [30]);
  s.start();
  await clock.advance(950);
  s.stop();
  assert.deepEqual(src.starts, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  assert.deepEqual(timing(snaps), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900].map((t) => [t, false, 0, 100, 30]));
  assert.equal(snaps[9].readMs, 30);
  assert.equal(snaps[9].tallyMs, 0);
  assert.equal(src.maxInFlight, 1);
});

test('a source slower than the tick: reads never overlap, ticks are skipped, stale, the interval stretches', async () => {
  const { clock, src, s, snaps } = clocked(100, [250]);
  s.start();
  await clock.advance(1000);
  s.stop();
  assert.equal(src.maxInFlight, 1, 'reads never overlap');
  // each 250 ms read overruns 2 ticks of 100 ms: the next one starts on the 3rd tick after its start
  assert.deepEqual(src.starts, [0, 300, 600, 900]);
  // a snapshot reports the ticks skipped before it (the loop counts them once the sample is done)
  assert.deepEqual(timing(snaps), [
    [0, true, 0, 100, 250],
    [300, true, 2, 300, 250],
    [600, true, 4, 300, 250],
  ]);
});

test('the stretched interval follows each sample: back to the interval once samples are fast again', async () => {
  // durations: fast, 2.5 ticks, fast, exactly one tick (not stale, nothing skipped), 1.2 ticks (repeats)
  const { clock, src, s, snaps } = clocked(100, [50, 250, 50, 100, 120]);
  s.start();
  await clock.advance(950);
  s.stop();
  assert.deepEqual(src.starts, [0, 100, 400, 500, 600, 800]);
  assert.deepEqual(timing(snaps), [
    [0, false, 0, 100, 50],
    [100, true, 0, 100, 250],
    [400, false, 2, 300, 50],
    [500, false, 2, 100, 100],
    [600, true, 2, 100, 120],
    [800, true, 3, 200, 120],
  ]);
});

test('busy guard: sample() called while the loop reads joins that read instead of starting another', async () => {
  const { clock, src, s, snaps } = clocked(100, [250]);
  s.start();
  await clock.advance(100); // the loop's first read (0 → 250) is in flight
  const explicit = s.sample();
  await clock.advance(0);
  assert.equal(src.reads, 1, 'no second read while one is in flight');
  await clock.advance(200); // t = 300: the first read ended at 250, the next tick started a read at 300
  s.stop();
  assert.equal(await explicit, snaps[0], 'the caller gets the in-flight sample');
  assert.equal(snaps[0].seq, 1);
  assert.deepEqual(src.starts, [0, 300]);
  assert.equal(src.maxInFlight, 1);
});

test('busy guard: a loop tick that falls due during an explicit sample() joins it', async () => {
  const { clock, src, s, snaps } = clocked(100, [0, 250]);
  s.start(); // read 0 at t = 0 takes no time; the next tick is at 100
  await clock.advance(50);
  const explicit = s.sample(); // read 1: 50 → 300
  await clock.advance(100); // t = 150: the tick at 100 came and went
  assert.deepEqual(src.starts, [0, 50], 'the tick at 100 started no read of its own');
  await clock.advance(200); // t = 350: read 1 ended at 300; the loop (tick at 100, done at 300) rescheduled at 300
  s.stop();
  assert.equal((await explicit).seq, 2);
  assert.deepEqual(src.starts, [0, 50, 300]);
  assert.equal(src.maxInFlight, 1);
  assert.deepEqual(snaps.map((x) => x.seq), [1, 2], 'the joined sample was published once');
});

test('a new interval reschedules the pending tick on the new interval', async () => {
  const { clock, src, s, snaps } = clocked(100, [0]);
  s.start();
  await clock.advance(50);
  s.setQuery({ intervalMs: 200 }); // the tick due at 100 is replaced by one at 50 + 200
  await clock.advance(500); // t = 550
  s.stop();
  assert.deepEqual(src.starts, [0, 250, 450]);
  assert.deepEqual(snaps.map((x) => [x.intervalMs, x.effectiveIntervalMs]), [[100, 100], [200, 200], [200, 200]]);
});

test('stop() cancels the pending tick, and a read in flight schedules nothing after it', async () => {
  const idle = clocked(100, [0]);
  idle.s.start();
  await idle.clock.advance(150);
  idle.s.stop();
  assert.equal(idle.clock.pending, 0, 'no timer left');
  await idle.clock.advance(1000);
  assert.deepEqual(idle.src.starts, [0, 100]);

  const busy = clocked(100, [250]);
  busy.s.start();
  await busy.clock.advance(100);
  busy.s.stop(); // the read 0 → 250 is in flight
  await busy.clock.advance(1000);
  assert.deepEqual(busy.src.starts, [0]);
  assert.equal(busy.snaps.length, 1, 'the sample in flight still completes and publishes');
  assert.equal(busy.clock.pending, 0);
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

test('stop() then start() while a read is in flight: one loop, one sample per interval', async () => {
  const { clock, src, s } = clocked(100, [50]);
  s.start();
  await clock.advance(20); // the read 0 → 50 is in flight
  s.stop();
  s.start(); // waits for that read (never overlaps), then samples on its own schedule
  await clock.advance(480); // t = 500
  s.stop();
  assert.deepEqual(src.starts, [0, 120, 220, 320, 420], 'the new loop counts its interval from its start (20)');
  assert.equal(src.maxInFlight, 1);
});

test('with trackAges, port rows carry their oldest sockets across samples; without, no ages are claimed', async () => {
  const cw = (lport: number, inode: number): SocketRecord => ({ family: 4, state: 8, laddr: '127.0.0.1', lport: 8080, raddr: '127.0.0.2', rport: lport, inode });
  const listen: SocketRecord = { family: 4, state: 10, laddr: '0.0.0.0', lport: 8080, raddr: '0.0.0.0', rport: 0, inode: 1 };
  let clock = 0;
  const frames = [[listen, cw(1, 11)], [listen, cw(1, 11), cw(2, 12)], [listen, cw(2, 12), cw(3, 13)]];
  const s = new Sampler(new FakeSource(frames), { query: { intervalMs: 1000 }, trackAges: true, now: () => (clock += 1000) });
  const oldestCw = (x: Snapshot) => x.tally.ports.find((p) => p.port === 8080)!.oldest![1];
  const a = await s.sample();
  assert.equal(a.agesSince, 1000);
  assert.equal(oldestCw(a), 1000);
  assert.equal(oldestCw(await s.sample()), 1000);
  assert.equal(oldestCw(await s.sample()), 2000, 'the oldest one closed: the next oldest');
  const plain = await new Sampler(new FakeSource(frames), { query: { intervalMs: 1000 } }).sample();
  assert.equal(plain.agesSince, null);
  assert.equal(plain.tally.ports[0].oldest, undefined);
});

test('a query that arrives as a copy (from another thread) with the same filter keeps the history', async () => {
  let clock = 0;
  const f = parseFilter('tw');
  const s = new Sampler(new FakeSource([tw(1), tw(2), tw(3)]), { query: { intervalMs: 1000, filterText: 'tw', filter: f, trendSeries: 6, trendPoints: 10 }, now: () => (clock += 1000) });
  for (let i = 0; i < 3; i++) await s.sample();
  s.setQuery({ filterText: 'tw', filter: structuredClone(f), sortBy: 6 });
  assert.deepEqual(s.getSnapshot()!.trend.values, [1, 2, 3], 'a sort change is not a new filter');
  s.setQuery({ filterText: 'tw or estab', filter: parseFilter('tw or estab') });
  assert.deepEqual(s.getSnapshot()!.trend.values, [], 'a new filter restarts it');
});

/** A source over two namespaces (index 0 ours, 1 another), whose other namespaces can be turned on. */
class TwoNamespaces extends FakeSource {
  foreign = false;
  namespaces: { inode: number; pids: number[]; reader: number; label: string; own: boolean; rows: number; readAt: number }[] = [];
  override async read(t: SocketTable) {
    const foreign = this.foreign; // what this read covers is decided when it begins
    const r = await super.read(t);
    // the first row is ours; with the others on, the rest belong to namespace 1
    for (let i = 0; i < t.n; i++) t.netns[i] = foreign && i > 0 ? 1 : 0;
    if (!foreign) t.n = Math.min(t.n, 1);
    this.namespaces = foreign
      ? [{ inode: 100, pids: [1], reader: 1, label: 'us', own: true, rows: 1, readAt: 0 }, { inode: 200, pids: [2], reader: 2, label: 'them', own: false, rows: t.n - 1, readAt: 0 }]
      : [];
    return r;
  }
}

test('a namespace\'s own view counts only its sockets, restarts the history, and counts nothing once it is gone', async () => {
  let clock = 0;
  const src = new TwoNamespaces([tw(4)]);
  const s = new Sampler(src, { query: { intervalMs: 1000, allNetns: true, trendSeries: 0, trendPoints: 10 }, now: () => (clock += 1000) });
  await s.sample();
  await s.sample();
  assert.equal(s.getSnapshot()!.tally.total, 4);
  s.setQuery({ focus: { netns: 200 } });
  let snap = s.getSnapshot()!;
  assert.equal(snap.tally.total, 3);
  assert.deepEqual(snap.trend.values, [], 'another view: its own history');
  assert.deepEqual(snap.deltas, new Array(12).fill(0), 'no false change on entering it');
  s.setQuery({ focus: { netns: 999 } });
  assert.equal(s.getSnapshot()!.tally.total, 0, 'a namespace that is not there counts nothing, never the whole box');
});

test('turning the other namespaces on while a read is under way: that read is not published', async () => {
  const slow = new TwoNamespaces([tw(4)], 50);
  const t = new Sampler(slow, { query: { intervalMs: 1000 } });
  await t.sample();
  const pending = t.sample();
  t.setQuery({ allNetns: true }); // during the read
  const got = await pending;
  assert.equal(got.seq, 1, 'the read under the old setting gave no new snapshot');
  assert.equal((await t.sample()).tally.total, 4, 'the next read covers every namespace');
  t.close();
});

test('headroom: counted every sample from the same table, the sysctls re-read every 10 s only; null without a reader', async () => {
  const clock = new FakeClock();
  let reads = 0;
  let range: [number, number] = [40000, 40099];
  const s = new Sampler(new FakeSource([tw(3), tw(5)]), {
    query: { intervalMs: 1000, filter: parseFilter('sport = 1'), filterText: 'sport = 1' },
    clock,
    readPortSettings: () => { reads++; return { range, reserved: [], twReuse: 2, finTimeout: 60 }; },
  });
  const a = await s.sample();
  // the filter passes none of the sockets: headroom counts them all the same (it is the kernel's limit)
  assert.equal(a.tally.total, 0);
  assert.deepEqual(a.headroom!.rows.map((r) => [r.local, r.remote, r.port, r.used, r.size]), [['127.0.0.1', '127.0.0.2', 80, 3, 100]]);
  range = [40000, 40003]; // changed by an admin: seen at the next re-read
  await clock.advance(9_999);
  const b = await s.sample();
  assert.equal(b.headroom!.rows[0].used, 5, 'counted again from the new table');
  assert.equal(b.headroom!.size, 100, 'sysctls not re-read before 10 s');
  assert.equal(reads, 1);
  await clock.advance(1);
  const c = await s.sample();
  assert.equal(reads, 2);
  assert.deepEqual([c.headroom!.size, c.headroom!.rows[0].used], [4, 4], 'the new range: 4 ports, 4 of the sockets in it');
  const none = await new Sampler(new FakeSource([tw(3)]), { query: { intervalMs: 1000 } }).sample();
  assert.equal(none.headroom, null, 'no reader (--pid): unknown, never guessed');
});

test('headroom rules fire in the sampler\'s alerts (the dashboard\'s header) on the fullest destination', async () => {
  const s = new Sampler(new FakeSource([tw(9), tw(3)]), {
    query: { intervalMs: 1000 },
    rules: [parseRule('headroom > 80%', 'warning')],
    readPortSettings: () => ({ range: [40000, 40009], reserved: [], twReuse: 2, finTimeout: 60 }),
  });
  const a = await s.sample(); // 9 of 10 ports to 127.0.0.2:80
  assert.deepEqual(a.alerts.firing.map((f) => [f.label, f.value, f.level]), [['headroom', 90, 'warning']]);
  const b = await s.sample(); // 3 of 10
  assert.deepEqual(b.alerts.firing, []);
  const unknown = await new Sampler(new FakeSource([tw(9)]), { query: { intervalMs: 1000 }, rules: [parseRule('headroom >= 0%', 'critical')] }).sample();
  assert.deepEqual(unknown.alerts.firing, [], 'no reader (--pid): unknown, the rule does not fire');
});
