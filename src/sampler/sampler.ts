/**
 * The tick loop: read → tally → publish. Lives outside React; the dashboard subscribes to it.
 *
 * Never overlapping: the next sample is scheduled only after the current one finished, at the next
 * multiple of the interval after its start. A sample that takes longer than the interval skips the ticks
 * it overran, marks the snapshot stale, and reports the effective (stretched) interval.
 */

import { counterRates, type Counters } from '../model/counters.js';
import { compileFilter, type FilterNode, type Predicate } from '../model/filter.js';
import { History } from '../model/history.js';
import { STATE_SLOTS } from '../model/states.js';
import { SocketTable } from '../model/table.js';
import { Tallier, type Direction, type SortKey, type Tally } from '../model/tally.js';
import type { ReadStats, Source, SourceName } from '../sources/types.js';
import type { SnapshotStore } from './store.js';

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 3_600_000;

export interface ViewParams {
  sortBy: SortKey;
  ascending: boolean;
  focus: { port: number; direction: Direction } | null;
  /** Rows kept per list (0 = all). */
  top: number;
}

export interface Snapshot {
  seq: number;
  /** Bumped by every filter or view change: a re-tally of the same sample has a higher one. */
  viewVersion: number;
  /** Epoch ms when the sample started. */
  time: number;
  source: SourceName;
  sourceSlow: boolean;
  /** The interval asked for. */
  intervalMs: number;
  /** The interval actually achieved (> intervalMs when samples overran it). */
  effectiveIntervalMs: number;
  /** Wall time of read + tally. */
  sampleMs: number;
  readMs: number;
  tallyMs: number;
  /** The sample took longer than the interval: ticks were skipped. */
  stale: boolean;
  skippedTicks: number;
  filter: string | null;
  tally: Tally;
  /** Per-state change since the previous sample (indexed by state code; all zero on the first). */
  deltas: number[];
  counters: Counters;
  /** Per-second rates of the monotonic counters since the previous sample (empty on the first). */
  rates: Counters;
  read: ReadStats;
  /** Per-series history, oldest first: [0] = total, [code] = that state. */
  history: number[][];
  /** Epoch ms of each history point. */
  historyTimes: number[];
}

export interface SamplerOptions {
  intervalMs: number;
  /** Seconds of history to keep (default 600). */
  historySeconds?: number;
  filterText?: string | null;
  filter?: FilterNode | null;
  view?: Partial<ViewParams>;
  readCounters?: () => Counters;
  /** Epoch ms (the snapshot's time and history points). */
  now?: () => number;
  /** Monotonic time and timers (default: performance.now, setTimeout, clearTimeout); tests pass a fake one. */
  clock?: SamplerClock;
}

export interface SamplerClock {
  /** Monotonic ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: SamplerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function historyCapacity(intervalMs: number, seconds: number): number {
  return Math.max(2, Math.min(100_000, Math.ceil((seconds * 1000) / intervalMs)));
}

export class Sampler implements SnapshotStore {
  private readonly table = new SocketTable(4096);
  private readonly tallier = new Tallier();
  private history: History;
  private readonly historySeconds: number;
  private intervalMs: number;
  private effectiveIntervalMs: number;
  private filterText: string | null;
  private predicate: Predicate | undefined;
  private view: ViewParams;
  private readonly readCountersFn: () => Counters;
  private readonly now: () => number;
  private readonly clock: SamplerClock;
  private seq = 0;
  private viewVersion = 0;
  private prevStates: number[] | null = null;
  private prevCounters: Counters | null = null;
  private prevTime = 0;
  private skipped = 0;
  private snapshot: Snapshot | null = null;
  private listeners = new Set<(s: Snapshot) => void>();
  private errorListeners = new Set<(e: Error) => void>();
  private timer: unknown = null;
  private running = false;
  private busy: Promise<Snapshot> | null = null;

  constructor(private readonly source: Source, opts: SamplerOptions) {
    this.intervalMs = clampInterval(opts.intervalMs);
    this.effectiveIntervalMs = this.intervalMs;
    this.historySeconds = opts.historySeconds ?? 600;
    this.history = new History(historyCapacity(this.intervalMs, this.historySeconds));
    this.filterText = opts.filterText ?? null;
    this.predicate = opts.filter ? compileFilter(opts.filter) : undefined;
    this.view = { sortBy: 'total', ascending: false, focus: null, top: 0, ...opts.view };
    this.readCountersFn = opts.readCounters ?? (() => ({}));
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? REAL_CLOCK;
  }

  getSnapshot = (): Snapshot | null => this.snapshot;

  subscribe = (fn: (s: Snapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  onError(fn: (e: Error) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  /** Takes one sample now (waits for one in progress instead of overlapping it). */
  sample(): Promise<Snapshot> {
    if (this.busy) return this.busy;
    this.busy = this.takeSample().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async takeSample(): Promise<Snapshot> {
    const time = this.now();
    const t0 = this.clock.now();
    const read = await this.source.read(this.table);
    const t1 = this.clock.now();
    const tally = this.tallier.tally(this.table, { filter: this.predicate, ...this.view });
    const counters = this.readCountersFn();
    const t2 = this.clock.now();
    const deltas = new Array<number>(STATE_SLOTS).fill(0);
    if (this.prevStates) for (let c = 1; c < STATE_SLOTS; c++) deltas[c] = tally.states[c] - this.prevStates[c];
    const rates = counterRates(this.prevCounters, counters, time - this.prevTime);
    this.prevStates = tally.states;
    this.prevCounters = counters;
    this.prevTime = time;
    this.history.push(time, tally.total, tally.states);
    const history: number[][] = [];
    for (let s = 0; s < STATE_SLOTS; s++) history.push(this.history.values(s));
    const sampleMs = t2 - t0;
    const snap: Snapshot = {
      seq: ++this.seq,
      viewVersion: this.viewVersion,
      time,
      source: this.source.name,
      sourceSlow: this.source.slow,
      intervalMs: this.intervalMs,
      effectiveIntervalMs: this.effectiveIntervalMs,
      sampleMs,
      readMs: t1 - t0,
      tallyMs: t2 - t1,
      stale: sampleMs > this.intervalMs,
      skippedTicks: this.skipped,
      filter: this.filterText,
      tally,
      deltas,
      counters,
      rates,
      read,
      history,
      historyTimes: this.history.timesMs(),
    };
    this.publish(snap);
    return snap;
  }

  private publish(snap: Snapshot): void {
    this.snapshot = snap;
    for (const fn of this.listeners) fn(snap);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private loop = async (): Promise<void> => {
    this.timer = null;
    if (!this.running) return;
    const start = this.clock.now();
    try {
      await this.sample();
    } catch (err) {
      for (const fn of this.errorListeners) fn(err as Error);
      if (this.errorListeners.size === 0) throw err;
    }
    if (!this.running) return;
    const took = this.clock.now() - start;
    const k = Math.max(1, Math.ceil(took / this.intervalMs));
    this.skipped += k - 1;
    this.effectiveIntervalMs = k * this.intervalMs;
    this.timer = this.clock.setTimeout(this.loop, Math.max(0, start + k * this.intervalMs - this.clock.now()));
  };

  setIntervalMs(ms: number): void {
    this.intervalMs = clampInterval(ms);
    this.effectiveIntervalMs = this.intervalMs;
    this.history = new History(historyCapacity(this.intervalMs, this.historySeconds));
    this.restartTimer();
  }

  /** A new filter: history restarts, since it follows what the view counts. */
  setFilter(text: string | null, node: FilterNode | null): void {
    this.viewVersion++;
    this.filterText = text && node ? text : null;
    this.predicate = node ? compileFilter(node) : undefined;
    this.history = new History(this.history.capacity);
    this.prevStates = null;
    this.resample();
  }

  setView(view: Partial<ViewParams>): void {
    this.viewVersion++;
    this.view = { ...this.view, ...view };
    this.resample();
  }

  /** Re-tallies the last table at once (a key changed what is counted), without a new read. */
  private resample(): void {
    if (!this.snapshot || this.busy) return;
    const prev = this.snapshot;
    const t0 = this.clock.now();
    const tally = this.tallier.tally(this.table, { filter: this.predicate, ...this.view });
    const tallyMs = this.clock.now() - t0;
    const sameCounts = this.prevStates !== null;
    this.publish({
      ...prev,
      viewVersion: this.viewVersion,
      filter: this.filterText,
      tally,
      tallyMs,
      deltas: sameCounts ? prev.deltas : new Array<number>(STATE_SLOTS).fill(0),
      history: sameCounts ? prev.history : Array.from({ length: STATE_SLOTS }, () => []),
      historyTimes: sameCounts ? prev.historyTimes : [],
    });
  }

  /** Reschedules a pending tick for a new interval; a sample in progress schedules its own next tick. */
  private restartTimer(): void {
    if (!this.running || this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(this.loop, this.intervalMs);
  }

  close(): void {
    this.stop();
    this.source.close();
  }
}

export function clampInterval(ms: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(ms)));
}
