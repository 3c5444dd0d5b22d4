/**
 * src/store/replayStore.ts on a fake clock: playing at the recorded pace × speed, pause, step, seek,
 * the end; deltas, rates and the trend recomputed from the recorded samples; a re-sort of the recorded
 * rows. The recording is built with the format's encoder from snapshots whose numbers the test chose.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeSample, indexRecording, type RecordingHeader } from '../../src/model/recording.js';
import type { SocketRecord } from '../../src/model/table.js';
import { ReplayStore } from '../../src/store/replayStore.js';
import type { Playback, Snapshot } from '../../src/store/store.js';
import { FakeClock } from '../helpers/fakeClock.js';
import { snapshotOf } from '../helpers/snapshot.js';

const TW = 6, E = 1;
const T0 = Date.UTC(2026, 10, 26, 7, 41, 0);
const HEADER: RecordingHeader = { tcptally: 'recording', format: 1, version: '0.1.0', host: 'db1', kernel: 'Linux', start: new Date(T0).toISOString(), top: 200 };

/** n TIME_WAIT sockets to port 5432 and 2 ESTABLISHED to port 443. */
function frame(n: number): SocketRecord[] {
  const tw = Array.from({ length: n }, (_, i): SocketRecord => ({ family: 4, state: TW, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 5432 }));
  return [...tw, { family: 4, state: E, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.8', rport: 443 }, { family: 4, state: E, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.8', rport: 443 }];
}

/** Samples at T0 + times[i] s with tw[i] TIME_WAIT sockets; ActiveOpens grows by 10 per second. */
function recording(tw: number[], secs: number[]): string[] {
  let prev: Record<string, number> | null = null;
  return tw.map((n, i) => {
    const counters = { 'Tcp.ActiveOpens': 100 + 10 * secs[i] };
    // the first line has all counters, the others their changes (as the writer does between keyframes)
    const line = encodeSample(snapshotOf(frame(n), { time: T0 + secs[i] * 1000, counters }), 200, prev);
    prev = counters;
    return line;
  });
}

function store(tw: number[], secs: number[], clock: FakeClock, paused = false) {
  steps = 0;
  seekMs = 0;
  const r = new ReplayStore(HEADER, indexRecording(recording(tw, secs)), { clock, paused });
  const seen: Snapshot[] = [];
  r.subscribe((s) => seen.push(s));
  return { r, seen };
}

const TWS = [3, 5, 2, 8, 8, 4];
const SECS = [0, 1, 2, 3, 63, 64]; // a minute's gap before the fifth sample

/** The view's running sums of moves (each test starts a new store: reset them). */
let steps = 0, seekMs = 0;
const play = (p: Partial<Playback> = {}): Playback => ({ paused: false, speed: 1, steps, seekMs, ...p });
const step = (samples: number, paused = true): Playback => ({ paused, speed: 1, steps: (steps += samples), seekMs });
const seek = (ms: number): Playback => ({ paused: false, speed: 1, steps, seekMs: (seekMs += ms) });

test('plays at the recorded pace: the next sample after its recorded gap; stops playing at the last', async () => {
  const clock = new FakeClock();
  const { r, seen } = store(TWS, SECS, clock);
  r.start();
  assert.equal(seen.length, 1);
  assert.equal(seen[0].time, T0);
  assert.deepEqual(seen[0].replay, { index: 0, count: 6, speed: 1, playing: true });
  await clock.advance(999);
  assert.equal(seen.length, 1);
  await clock.advance(1);
  assert.equal(seen.at(-1)!.time, T0 + 1000);
  await clock.advance(2000);
  assert.equal(seen.at(-1)!.replay!.index, 3);
  // a recorded gap of a minute plays as at most 10 s
  await clock.advance(9999);
  assert.equal(seen.at(-1)!.replay!.index, 3);
  await clock.advance(1);
  assert.equal(seen.at(-1)!.replay!.index, 4);
  await clock.advance(1000);
  assert.deepEqual(seen.at(-1)!.replay, { index: 5, count: 6, speed: 1, playing: false });
  assert.equal(clock.pending, 0);
  r.close();
});

test('speed ×4 plays four times as fast; ×0.25 a quarter (clamped to 0.25..64)', async () => {
  const clock = new FakeClock();
  const { r, seen } = store(TWS, SECS, clock);
  r.start();
  r.setQuery({ playback: play({ speed: 4 }) });
  assert.equal(seen.at(-1)!.replay!.speed, 4);
  await clock.advance(250);
  assert.equal(seen.at(-1)!.replay!.index, 1);
  r.setQuery({ playback: play({ speed: 0.01 }) });
  assert.equal(seen.at(-1)!.replay!.speed, 0.25);
  await clock.advance(3999);
  assert.equal(seen.at(-1)!.replay!.index, 1);
  await clock.advance(1);
  assert.equal(seen.at(-1)!.replay!.index, 2);
  r.setQuery({ playback: play({ speed: 1000 }) });
  assert.equal(seen.at(-1)!.replay!.speed, 64);
  r.close();
});

test('pause stops the clock; step back and forward move one sample and pause; a move applies once per id', async () => {
  const clock = new FakeClock();
  const { r, seen } = store(TWS, SECS, clock);
  r.start();
  await clock.advance(2000);
  assert.equal(seen.at(-1)!.replay!.index, 2);
  r.setQuery({ playback: play({ paused: true }) });
  assert.equal(seen.at(-1)!.replay!.playing, false);
  await clock.advance(5000);
  assert.equal(seen.at(-1)!.replay!.index, 2);
  const back = step(-1);
  r.setQuery({ playback: back });
  assert.equal(seen.at(-1)!.replay!.index, 1);
  assert.equal(seen.at(-1)!.time, T0 + 1000);
  const n = seen.length;
  r.setQuery({ playback: back }); // the same sums again (the view re-sent its query): nothing
  assert.equal(seen.length, n);
  r.setQuery({ playback: step(1) });
  r.setQuery({ playback: step(1) });
  assert.equal(seen.at(-1)!.replay!.index, 3);
  r.setQuery({ playback: step(-10) }); // clamped at the first
  assert.equal(seen.at(-1)!.replay!.index, 0);
  assert.equal(clock.pending, 0);
  await clock.advance(10_000);
  assert.equal(seen.at(-1)!.replay!.index, 0);
  r.setQuery({ playback: play() });
  await clock.advance(1000);
  assert.equal(seen.at(-1)!.replay!.index, 1);
  r.close();
});

test('seek ±1 minute of recorded time: the first sample at or after the target', async () => {
  const clock = new FakeClock();
  const { r, seen } = store(TWS, SECS, clock, true);
  r.start();
  assert.equal(seen[0].replay!.playing, false);
  r.setQuery({ playback: { ...seek(60_000), paused: true } });
  assert.equal(seen.at(-1)!.replay!.index, 4); // T0+60 s → the sample at 63 s
  r.setQuery({ playback: { ...seek(60_000), paused: true } });
  assert.equal(seen.at(-1)!.replay!.index, 5); // past the end: the last
  r.setQuery({ playback: { ...seek(-60_000), paused: true } });
  assert.equal(seen.at(-1)!.replay!.index, 3); // 64 − 60 = 4 s: the last sample at or before it, at 3 s
  r.setQuery({ playback: { ...seek(-60_000), paused: true } });
  assert.equal(seen.at(-1)!.replay!.index, 0); // before the start: the first
  r.close();
});

test('deltas from the previous sample, rates from its counters, the trend from the samples before', () => {
  const clock = new FakeClock();
  const { r } = store(TWS, SECS, clock, true);
  r.setQuery({ trendSeries: TW, trendPoints: 3 });
  const s3 = r.snapshotAt(3);
  assert.equal(s3.tally.states[TW], 8);
  assert.equal(s3.deltas[TW], 6); // 2 → 8
  assert.equal(s3.deltas[E], 0);
  assert.deepEqual(s3.rates, { 'Tcp.ActiveOpens': 10 });
  assert.deepEqual(s3.counters, { 'Tcp.ActiveOpens': 130 });
  assert.deepEqual(s3.trend.values, [5, 2, 8]);
  assert.deepEqual(s3.trend.times, [T0 + 1000, T0 + 2000, T0 + 3000]);
  assert.deepEqual(s3.trend.stats, { current: 8, min: 2, max: 8, ratePerSec: 5 / 3, points: 4 });
  const s0 = r.snapshotAt(0);
  assert.deepEqual(s0.deltas, new Array(12).fill(0));
  assert.deepEqual(s0.rates, {});
  // counters resolved through the chain of changes from any position (back, then forward again)
  assert.deepEqual(r.snapshotAt(5).counters, { 'Tcp.ActiveOpens': 740 });
  assert.deepEqual(r.snapshotAt(1).counters, { 'Tcp.ActiveOpens': 110 });
  // the trend's window is the history's: with 60 s, the samples of the last minute only
  const short = new ReplayStore(HEADER, indexRecording(recording(TWS, SECS)), { clock, paused: true, historySeconds: 60 });
  assert.deepEqual(short.snapshotAt(5, { sortBy: 'total', ascending: false, trendSeries: TW, trendPoints: 10 }).trend.values, [8, 4]);
});

test('a new sort re-sorts the recorded rows; the sort of the recording stays for an equal one', () => {
  const clock = new FakeClock();
  const { r, seen } = store(TWS, SECS, clock, true);
  r.start();
  assert.deepEqual(seen.at(-1)!.tally.ports.map((p) => p.port), [5432, 443]); // by total: 3 TIME_WAIT, 2 ESTABLISHED
  r.setQuery({ sortBy: E });
  assert.equal(seen.at(-1)!.sortBy, E);
  assert.deepEqual(seen.at(-1)!.tally.ports.map((p) => p.port), [443, 5432]);
  r.setQuery({ sortBy: 'key', ascending: true });
  assert.deepEqual(seen.at(-1)!.tally.ports.map((p) => p.port), [443, 5432]);
  r.setQuery({ sortBy: 'key', ascending: false });
  assert.deepEqual(seen.at(-1)!.tally.ports.map((p) => p.port), [5432, 443]);
  // a filter or a focus does not re-count a recording: nothing new is published
  const n = seen.length;
  r.setQuery({ filterText: 'tw', focus: { port: 5432, direction: 'out' }, intervalMs: 100 });
  assert.equal(seen.length, n);
});
