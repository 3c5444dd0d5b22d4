/**
 * A recording played back behind the Store contract, so the dashboard shows it unchanged: the
 * snapshots are the recorded ones, at the recorded pace × a speed, with pause, step and seek driven by
 * the query's `playback` (the view's replay keys). What a live sampler recomputes, the replay
 * recomputes from the recorded samples: deltas (from the previous sample's states), counter rates (from
 * its counters) and the trend (from the samples before, within the history window). A new sort
 * re-sorts the recorded rows (the top rows of the recorded sort); a filter or a drill-down cannot
 * re-count a recording and is not applied.
 */

import { counterRates, type Counters } from '../model/counters.js';
import { History } from '../model/history.js';
import { countersOfLine, decodeSample, hasCounterChanges, hasSameAlertsLog, type RecordedSample, type RecordingHeader, type RecordingIndex } from '../model/recording.js';
import { STATE_SLOTS } from '../model/states.js';
import { compareRows, peerKeyCmp, portKeyCmp, processKeyCmp, type CountRow, type SortKey, type Tally } from '../model/tally.js';
import type { SamplerClock } from '../sampler/sampler.js';
import { DEFAULT_QUERY, MAX_SPEED, MIN_SPEED, type Query, type Snapshot, type Store, type Trend } from './store.js';

/** A gap in the recording (the recorder was stopped, a machine slept) plays as at most this long, × speed. */
export const MAX_GAP_MS = 10_000;

export interface ReplayOptions {
  /** Seconds of history the trend looks back (default 600, as live). */
  historySeconds?: number;
  clock?: SamplerClock;
  /** Start paused (default: playing from the first sample). */
  paused?: boolean;
  /** The file's name, for messages. */
  name?: string;
}

const REAL_CLOCK: SamplerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export const clampSpeed = (x: number) => Math.min(MAX_SPEED, Math.max(MIN_SPEED, x));

export class ReplayStore implements Store {
  private readonly clock: SamplerClock;
  private readonly historyMs: number;
  private query: Query = { ...DEFAULT_QUERY };
  private pos = 0;
  private playing: boolean;
  private speed = 1;
  /** The playback's running sums of moves already applied. */
  private steps = 0;
  private seekMs = 0;
  private started = false;
  private timer: unknown = null;
  private seq = 0;
  private snapshot: Snapshot | null = null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly errorListeners = new Set<(e: Error) => void>();
  /** The last samples decoded (sample i needs i − 1 for its deltas and rates). */
  private readonly cache = new Map<number, RecordedSample>();

  constructor(readonly header: RecordingHeader, private readonly index: RecordingIndex, opts: ReplayOptions = {}) {
    if (index.lines.length === 0) throw new RangeError('a replay needs at least one sample');
    this.clock = opts.clock ?? REAL_CLOCK;
    this.historyMs = (opts.historySeconds ?? 600) * 1000;
    this.playing = !opts.paused;
    this.name = opts.name ?? 'recording';
  }

  private readonly name: string;

  get count(): number {
    return this.index.lines.length;
  }

  get position(): number {
    return this.pos;
  }

  subscribe = (fn: (s: Snapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): Snapshot | null => this.snapshot;

  onError(fn: (e: Error) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  private decode(i: number, prevCounters: Counters | null, alertsLog: unknown[] | null): RecordedSample {
    const hit = this.cache.get(i);
    if (hit) return hit;
    let sample: RecordedSample;
    try {
      sample = decodeSample(this.index.lines[i], prevCounters, alertsLog);
    } catch (err) {
      throw new Error(`${this.name}: sample ${i + 1} cannot be read: ${(err as Error).message}`);
    }
    if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(i, sample);
    return sample;
  }

  /** Counters of recent lines (a step back needs the line before's, found from the last line with all of them). */
  private readonly counterCache = new Map<number, Counters>();

  /** The counters of line i: from the last line at or before it with all of them, through the changes since. */
  private countersAt(i: number): Counters {
    const hit = this.counterCache.get(i) ?? this.cache.get(i)?.counters;
    if (hit) return hit;
    let k = i;
    while (k > 0 && !this.counterCache.has(k - 1) && hasCounterChanges(this.index.lines[k])) k--;
    let c: Counters | null = k > 0 ? this.counterCache.get(k - 1) ?? null : null;
    for (let j = k; j <= i; j++) {
      try {
        c = countersOfLine(this.index.lines[j], c);
      } catch (err) {
        throw new Error(`${this.name}: sample ${j + 1} cannot be read: ${(err as Error).message}`);
      }
      if (this.counterCache.size >= 256) this.counterCache.delete(this.counterCache.keys().next().value!);
      this.counterCache.set(j, c);
    }
    return c!;
  }

  /** The alerts log line i repeats: that of the last line before it that has one. */
  private alertsLogAt(i: number): unknown[] | null {
    let k = i;
    while (k > 0 && hasSameAlertsLog(this.index.lines[k])) k--;
    if (k === i) return null;
    const alerts = (this.sample(k) as unknown as { alerts?: { log?: unknown[] } }).alerts;
    return alerts?.log ?? null;
  }

  /** Sample i, decoded, its counters and alerts log resolved. */
  private sample(i: number): RecordedSample {
    if (i < 0 || i >= this.count) throw new RangeError(`no sample ${i + 1} (the recording has ${this.count})`);
    const hit = this.cache.get(i);
    if (hit) return hit;
    const line = this.index.lines[i];
    return this.decode(i, i > 0 && hasCounterChanges(line) ? this.countersAt(i - 1) : null, hasSameAlertsLog(line) ? this.alertsLogAt(i) : null);
  }

  /** The trend of sample i: the samples of the history window up to it. */
  private trend(i: number, series: number, points: number): Trend {
    const { times, states } = this.index;
    let first = i;
    while (first > 0 && times[first - 1] > times[i] - this.historyMs) first--;
    const h = new History(Math.max(2, i - first + 1));
    for (let j = first; j <= i; j++) {
      let total = 0;
      for (let c = 1; c < STATE_SLOTS; c++) total += states[j][c] ?? 0;
      h.push(times[j], total, states[j]);
    }
    return { series, values: h.values(series, points), times: h.timesMs(points), stats: h.stats(series) };
  }

  /**
   * Sample i as a complete Snapshot: deltas and rates against sample i − 1 (none for the first sample, or
   * for a sample whose filter differs from its predecessor's: a new filter restarted them live too), the
   * trend and the sort of `query`.
   */
  snapshotAt(i: number, query: Pick<Query, 'sortBy' | 'ascending' | 'trendSeries' | 'trendPoints'> = this.query): Snapshot {
    const prevSample = i > 0 ? this.sample(i - 1) : null;
    const cur = this.sample(i);
    const deltas = new Array<number>(STATE_SLOTS).fill(0);
    const sameView = prevSample !== null && prevSample.filter === cur.filter;
    if (sameView) for (let c = 1; c < STATE_SLOTS; c++) deltas[c] = cur.tally.states[c] - (this.index.states[i - 1][c] ?? 0);
    const rates = prevSample ? counterRates(prevSample.counters, cur.counters, cur.time - prevSample.time) : {};
    return {
      ...cur,
      seq: i + 1,
      viewVersion: 0,
      deltas,
      rates,
      tally: sortTally(cur.tally, query.sortBy, query.ascending, cur.sortBy, cur.ascending),
      sortBy: query.sortBy,
      ascending: query.ascending,
      trend: this.trend(i, query.trendSeries, query.trendPoints),
    };
  }

  private publish(): void {
    let snap: Snapshot;
    try {
      snap = this.snapshotAt(this.pos);
    } catch (err) {
      this.stopTimer();
      for (const fn of this.errorListeners) fn(err as Error);
      return;
    }
    snap.seq = ++this.seq;
    snap.replay = { index: this.pos, count: this.count, speed: this.speed, playing: this.playing };
    this.snapshot = snap;
    for (const fn of this.listeners) fn(snap);
  }

  private stopTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** While playing: the next sample after its recorded gap ÷ speed; the last one ends the playing. */
  private schedule(): void {
    this.stopTimer();
    if (!this.started || !this.playing) return;
    if (this.pos >= this.count - 1) {
      this.playing = false;
      return;
    }
    const gap = Math.min(MAX_GAP_MS, Math.max(0, this.index.times[this.pos + 1] - this.index.times[this.pos]));
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pos++;
      if (this.pos >= this.count - 1) this.playing = false;
      this.publish();
      this.schedule();
    }, gap / this.speed);
  }

  /** The first sample at or after `time` (the last sample when none is). */
  private indexAt(time: number): number {
    const t = this.index.times;
    let lo = 0, hi = t.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid] < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private step(samples: number): void {
    this.pos = Math.max(0, Math.min(this.count - 1, this.pos + samples));
  }

  /** Forward: the first sample at or after the target (the last past the end); back: the last at or before it
   * (the first before the start), so a gap in the recording is never jumped over. */
  private seek(ms: number): void {
    const target = this.index.times[this.pos] + ms;
    const at = this.indexAt(target);
    this.pos = ms >= 0 || this.index.times[at] <= target ? at : Math.max(0, at - 1);
  }

  /** Applies the view's playback; sort and trend re-derive the shown sample; filter, focus and interval do not apply. */
  setQuery(change: Partial<Query>): void {
    const prev = this.query;
    this.query = { ...prev, ...change };
    let changed = change.sortBy !== undefined && change.sortBy !== prev.sortBy ||
      change.ascending !== undefined && change.ascending !== prev.ascending ||
      change.trendSeries !== undefined && change.trendSeries !== prev.trendSeries ||
      change.trendPoints !== undefined && change.trendPoints !== prev.trendPoints;
    const p = change.playback;
    if (p) {
      const speed = clampSpeed(p.speed);
      if (speed !== this.speed) {
        this.speed = speed;
        changed = true;
      }
      const before = this.pos;
      if (p.steps !== this.steps) this.step(p.steps - this.steps);
      if (p.seekMs !== this.seekMs) this.seek(p.seekMs - this.seekMs);
      this.steps = p.steps;
      this.seekMs = p.seekMs;
      changed ||= this.pos !== before;
      const playing = !p.paused && this.pos < this.count - 1;
      if (playing !== this.playing) {
        this.playing = playing;
        changed = true;
      }
      if (changed) this.schedule();
    }
    if (changed && this.started) this.publish();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.pos >= this.count - 1) this.playing = false;
    this.publish();
    this.schedule();
  }

  close(): void {
    this.stopTimer();
    this.started = false;
  }
}

/** The recorded lists in another sort (only the recorded rows: the top of the recorded sort). */
function sortTally(t: Tally, sortBy: SortKey, ascending: boolean, recordedBy: SortKey, recordedAsc: boolean): Tally {
  if (sortBy === recordedBy && ascending === recordedAsc) return t;
  const by = <T extends CountRow>(list: T[], keyCmp: (a: T, b: T) => number): T[] => [...list].sort(compareRows<T>(sortBy, ascending, keyCmp));
  return {
    ...t,
    ports: by(t.ports, portKeyCmp),
    peers: by(t.peers, peerKeyCmp),
    peerPorts: by(t.peerPorts, peerKeyCmp),
    processes: by(t.processes, processKeyCmp),
    namespaces: by(t.namespaces, (a, b) => a.index - b.index),
  };
}
