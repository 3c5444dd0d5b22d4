/**
 * The tick loop: read → tally → publish. Lives outside React; the dashboard subscribes to it.
 *
 * Never overlapping: the next sample is scheduled only after the current one finished, at the next
 * multiple of the interval after its start. A sample that takes longer than the interval skips the ticks
 * it overran, marks the snapshot stale, and reports the effective (stretched) interval.
 */

import { AlertTracker, NO_ALERTS, type Alerts } from '../model/alerts.js';
import { counterRates, type Counters } from '../model/counters.js';
import { compileFilter, type OwnerContext, type Predicate } from '../model/filter.js';
import { HeadroomCounter, headroomInput, type Headroom } from '../model/headroom.js';
import { History } from '../model/history.js';
import { listListeners, type Listeners } from '../model/listeners.js';
import type { PortSettings } from '../model/sysctl.js';
import { STATE_SLOTS } from '../model/states.js';
import { SocketAges } from '../model/ages.js';
import { SocketTable } from '../model/table.js';
import { AGE_STATES, Tallier, type Tally } from '../model/tally.js';
import type { Owners } from '../model/owners.js';
import { evaluate, type Rule, type RuleInputs } from '../model/rules.js';
import type { Conntrack } from '../sources/conntrack.js';
import type { ProcessInfo, UpdateStats } from '../sources/owners.js';
import type { Source } from '../sources/types.js';
import { clampInterval, DEFAULT_QUERY, type Query, type Snapshot, type Store, type Trend } from '../store/store.js';

export interface SamplerOptions {
  /** What to count and send; intervalMs is required, the rest defaults to DEFAULT_QUERY. */
  query: Partial<Query> & { intervalMs: number };
  /** Seconds of history to keep (default 600). */
  historySeconds?: number;
  readCounters?: () => Counters;
  /** Epoch ms, for the sample's time stamp. */
  now?: () => number;
  /** Remember when each socket was first seen (the drill-down's oldest per port); costs a hash per socket. */
  trackAges?: boolean;
  /** Who holds each socket (src/sources/owners.ts): rows get owners, snapshots a processes list. */
  owners?: OwnerLookup;
  /**
   * Work per sample for the owner lookup, in ms (default: 0.4 × the read's, at least 10): a full walk
   * of /proc at scale is spread over samples. Infinity for a one-shot sample that must be complete.
   */
  ownersBudgetMs?: number;
  /** Monotonic time and timers (default: performance.now, setTimeout, clearTimeout); tests pass a fake one. */
  clock?: SamplerClock;
  /** Alert rules, evaluated on every sample against what it counts (Snapshot.alerts). */
  rules?: readonly Rule[];
  /** conntrack's fill of the namespace read (null: nf_conntrack not loaded); absent: not read (--pid). */
  readConntrack?: () => Conntrack | null;
  /**
   * The ephemeral-port sysctls of the namespace read (src/sources/sysctl.ts), re-read every
   * SETTINGS_REFRESH_MS; absent (--pid: another namespace's are not readable) → headroom null.
   */
  readPortSettings?: () => PortSettings | null;
}

/** How often the port-range sysctls are re-read (they change rarely; a sample must stay cheap). */
export const SETTINGS_REFRESH_MS = 10_000;

/** What the sampler needs of an OwnerIndex. */
export interface OwnerLookup {
  update(table: SocketTable, budgetMs: number): UpdateStats;
  owners(inode: number): Owners;
  process(pid: number): ProcessInfo | null;
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

function historyCapacity(intervalMs: number, seconds: number): number {
  return Math.max(2, Math.min(100_000, Math.ceil((seconds * 1000) / intervalMs)));
}

export class Sampler implements Store {
  private readonly table = new SocketTable(4096);
  private readonly tallier = new Tallier();
  private readonly headroomCounter = new HeadroomCounter();
  private readonly readPortSettings: (() => PortSettings | null) | null;
  private portSettings: PortSettings | null = null;
  private portSettingsAt = -Infinity;
  private readonly ages: SocketAges | null;
  private readonly ownerIndex: OwnerLookup | null;
  private readonly ownersBudgetMs: number | undefined;
  private attribution: UpdateStats | null = null;
  private readonly ownersOf: ((inode: number) => Owners) | null;
  private readonly ownerCtx: OwnerContext | undefined;
  private readonly processCache = new Map<number, ProcessInfo | null>();
  private history: History;
  private readonly historySeconds: number;
  private query: Query;
  private effectiveIntervalMs: number;
  private predicate: Predicate | undefined;
  private readonly readCountersFn: () => Counters;
  private readonly now: () => number;
  private readonly clock: SamplerClock;
  private readonly rules: readonly Rule[];
  private readonly alertTracker = new AlertTracker();
  /** The ports STATE:PORT rules name: their rows are kept whatever the cut. */
  private readonly rulePorts: Set<number> | undefined;
  /** What the rules read in the previous sample (rates); null after a change of what is counted. */
  private prevRuleInputs: RuleInputs | null = null;
  private readonly readConntrackFn: (() => Conntrack | null) | null;
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
  /** Bumped by start(): a loop from before a stop() that wakes up late sees it is not the current one. */
  private generation = 0;
  private busy: Promise<Snapshot> | null = null;
  /** Bumped when what a read covers changes (every namespace or ours): a read begun before is stale. */
  private readScope = 0;

  constructor(private readonly source: Source, opts: SamplerOptions) {
    this.query = { ...DEFAULT_QUERY, ...opts.query, intervalMs: clampInterval(opts.query.intervalMs) };
    if (!this.query.filter) this.query.filterText = null;
    this.effectiveIntervalMs = this.query.intervalMs;
    this.historySeconds = opts.historySeconds ?? 600;
    this.history = new History(historyCapacity(this.query.intervalMs, this.historySeconds));
    this.readCountersFn = opts.readCounters ?? (() => ({}));
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? REAL_CLOCK;
    this.rules = opts.rules ?? [];
    const ports = this.rules.flatMap((r) => (r.metric.kind === 'port' ? [r.metric.port] : []));
    this.rulePorts = ports.length > 0 ? new Set(ports) : undefined;
    this.readConntrackFn = opts.readConntrack ?? null;
    this.readPortSettings = opts.readPortSettings ?? null;
    // only the states whose ages the tally reports: TIME_WAIT, the largest pile, costs nothing here
    this.ages = opts.trackAges ? new SocketAges(AGE_STATES) : null;
    this.ownerIndex = opts.owners ?? null;
    this.ownersBudgetMs = opts.ownersBudgetMs;
    const index = this.ownerIndex;
    this.ownersOf = index ? (inode) => index.owners(inode) : null;
    // owner filter terms (comm, user, container) ask what a pid is once per sample, not once per socket
    const known = this.processCache;
    this.ownerCtx = index ? {
      owners: (inode) => index.owners(inode),
      process: (pid) => {
        if (!known.has(pid)) known.set(pid, index.process(pid));
        return known.get(pid)!;
      },
    } : undefined;
    this.predicate = this.query.filter ? compileFilter(this.query.filter, this.ownerCtx) : undefined;
    if (source.foreign !== undefined) source.foreign = this.query.allNetns;
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

  private tally(): Tally {
    this.processCache.clear();
    const q = this.query;
    return this.tallier.tally(this.table, {
      filter: this.predicate, sortBy: q.sortBy, ascending: q.ascending, focus: q.focus, top: q.top, portTop: q.portTop, firstSeen: this.ages?.firstSeen,
      owners: this.ownersOf ?? undefined,
      namespaces: this.source.namespaces ? { inodes: this.source.namespaces.map((e) => e.inode) } : undefined,
      keepPorts: this.rulePorts,
    });
  }


  /** The listeners that pass the filter (in a namespace's own view, that namespace's). */
  private listListeners(): Listeners {
    const q = this.query;
    const inodes = this.source.namespaces?.map((e) => e.inode);
    // a namespace's view: its index in this sample, or none at all when it is gone
    const netns = q.focus && 'netns' in q.focus ? (inodes ? inodes.indexOf(q.focus.netns) : -1) : -1;
    if (q.focus && 'netns' in q.focus && netns < 0) return { rows: [], count: 0, maxFill: null };
    return listListeners(this.table, { filter: this.predicate, netns, owners: this.ownersOf ?? undefined, top: q.top });
  }

  /** What each pid the lists name is (read through the owner index's per-process cache). */
  private processInfo(t: Tally, listeners?: Listeners): Record<number, ProcessInfo> {
    const out: Record<number, ProcessInfo> = {};
    if (!this.ownerIndex) return out;
    const add = (pid: number) => {
      if (pid in out) return;
      const info = this.ownerCtx!.process(pid) as ProcessInfo | null;
      if (info) out[pid] = info;
    };
    const focus = this.query.focus;
    if (focus && 'pid' in focus) add(focus.pid); // its drill-down names it even while it holds nothing
    for (const p of t.processes) add(p.pid);
    for (const list of [t.ports, t.peers, t.peerPorts]) for (const r of list) for (const o of r.owners ?? []) add(o.pid);
    for (const r of listeners?.rows ?? []) if (typeof r.owners === 'object') for (const pid of r.owners) add(pid);
    return out;
  }

  /** Per-destination use of the ephemeral range (not filtered: every socket holding a port counts). */
  private headroom(): Headroom | null {
    if (!this.readPortSettings) return null;
    const now = this.clock.now();
    if (now - this.portSettingsAt >= SETTINGS_REFRESH_MS) {
      this.portSettings = this.readPortSettings();
      this.portSettingsAt = now;
    }
    return this.portSettings ? this.headroomCounter.count(this.table, this.portSettings, this.query.top) : null;
  }

  private trend(): Trend {
    const { trendSeries: series, trendPoints: points } = this.query;
    return { series, values: this.history.values(series, points), times: this.history.timesMs(points), stats: this.history.stats(series) };
  }

  private async takeSample(): Promise<Snapshot> {
    const time = this.now();
    const t0 = this.clock.now();
    const scope = this.readScope;
    const read = await this.source.read(this.table);
    // the namespaces to read changed while this read ran: its rows are of the old setting, not published
    if (scope !== this.readScope && this.snapshot) return this.snapshot;
    const t1 = this.clock.now();
    if (this.ownerIndex) {
      const budget = this.ownersBudgetMs ?? Math.max(10, 0.4 * (t1 - t0));
      this.attribution = this.ownerIndex.update(this.table, budget);
    }
    this.ages?.update(this.table, time);
    const tally = this.tally();
    const listeners = this.listListeners();
    const headroom = this.headroom();
    const counters = this.readCountersFn();
    const conntrack = this.readConntrackFn ? this.readConntrackFn() : null;
    const t2 = this.clock.now();
    const deltas = new Array<number>(STATE_SLOTS).fill(0);
    if (this.prevStates) for (let c = 1; c < STATE_SLOTS; c++) deltas[c] = tally.states[c] - this.prevStates[c];
    const rates = counterRates(this.prevCounters, counters, time - this.prevTime);
    this.prevStates = tally.states;
    this.prevCounters = counters;
    this.prevTime = time;
    this.history.push(time, tally.total, tally.states);
    const sampleMs = t2 - t0;
    const q = this.query;
    const snap: Snapshot = {
      seq: ++this.seq,
      viewVersion: this.viewVersion,
      time,
      source: this.source.name,
      sourceSlow: this.source.slow,
      intervalMs: q.intervalMs,
      effectiveIntervalMs: this.effectiveIntervalMs,
      sampleMs,
      readMs: t1 - t0,
      tallyMs: t2 - t1,
      stale: sampleMs > q.intervalMs,
      skippedTicks: this.skipped,
      filter: q.filterText,
      sortBy: q.sortBy,
      ascending: q.ascending,
      tally,
      deltas,
      counters,
      rates,
      read,
      trend: this.trend(),
      agesSince: this.ages ? this.ages.since : null,
      attribution: this.attribution,
      processInfo: this.processInfo(tally, listeners),
      namespaces: this.source.namespaces && this.query.allNetns ? [...this.source.namespaces] : null,
      listeners: listeners.rows,
      listenerCount: listeners.count,
      conntrack,
      alerts: NO_ALERTS,
      headroom,
    };
    snap.alerts = this.alerts(snap);
    this.publish(snap);
    return snap;
  }

  /**
   * The rules against this sample (and the previous one, for rates): what the rules read is the
   * snapshot itself, with the rows of the ports they name put back if the cut dropped them.
   */
  private alerts(snap: Snapshot): Alerts {
    if (this.rules.length === 0) return NO_ALERTS;
    const t = snap.tally;
    const inputs = { ...snap, tally: { ...t, ports: t.keptPorts ?? t.ports } };
    const results = evaluate(this.rules, inputs, this.prevRuleInputs, { conntrack: snap.conntrack, listeners: snap.listeners, headroom: headroomInput(snap.headroom) });
    this.prevRuleInputs = inputs;
    return this.alertTracker.step(results, snap.time);
  }

  private publish(snap: Snapshot): void {
    this.snapshot = snap;
    for (const fn of this.listeners) fn(snap);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop(++this.generation);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private loop = async (gen: number): Promise<void> => {
    this.timer = null;
    if (!this.running || gen !== this.generation) return;
    const start = this.clock.now();
    try {
      await this.sample();
    } catch (err) {
      for (const fn of this.errorListeners) fn(err as Error);
      if (this.errorListeners.size === 0) throw err;
    }
    if (!this.running || gen !== this.generation) return;
    const interval = this.query.intervalMs;
    const took = this.clock.now() - start;
    const k = Math.max(1, Math.ceil(took / interval));
    this.skipped += k - 1;
    this.effectiveIntervalMs = k * interval;
    this.timer = this.clock.setTimeout(() => void this.loop(gen), Math.max(0, start + k * interval - this.clock.now()));
  };

  getQuery(): Query {
    return this.query;
  }

  /**
   * Changes what is counted and sent. A new filter restarts the history (it follows what the view
   * counts); a new interval resizes it; a new filter, sort, drill-down or cut re-tallies the last table
   * at once; a new trend series or width re-slices the history. Nothing that did not change costs work.
   */
  setQuery(change: Partial<Query>): void {
    const prev = this.query;
    const next: Query = { ...prev, ...change };
    if (change.intervalMs !== undefined) next.intervalMs = clampInterval(change.intervalMs);
    if (!next.filter) next.filterText = null;
    this.query = next;
    // the same text parses to the same filter: compare the text (a query posted to the worker thread
    // arrives with a new copy of the filter object every time)
    const filterChanged = next.filterText !== prev.filterText || !next.filter !== !prev.filter;
    // a namespace's own view counts other sockets: like a new filter, its history starts afresh
    const netnsOf = (q: Query) => (q.focus && 'netns' in q.focus ? q.focus.netns : -1);
    const scopeChanged = filterChanged || netnsOf(next) !== netnsOf(prev);
    const viewChanged = filterChanged || next.sortBy !== prev.sortBy || next.ascending !== prev.ascending ||
      !sameFocus(next.focus, prev.focus) || next.top !== prev.top || next.portTop !== prev.portTop;
    const trendChanged = next.trendSeries !== prev.trendSeries || next.trendPoints !== prev.trendPoints;
    if (next.allNetns !== prev.allNetns && this.source.foreign !== undefined) {
      // the other namespaces are read from the next sample on; what is counted changes: history restarts,
      // and a read under way with the old setting is not published (see takeSample)
      this.source.foreign = next.allNetns;
      this.readScope++;
      this.history = new History(this.history.capacity);
      this.prevStates = null;
      this.prevRuleInputs = null;
    }
    if (next.intervalMs !== prev.intervalMs) {
      this.effectiveIntervalMs = next.intervalMs;
      this.history = new History(historyCapacity(next.intervalMs, this.historySeconds));
      this.restartTimer();
    }
    if (filterChanged) this.predicate = next.filter ? compileFilter(next.filter, this.ownerCtx) : undefined;
    if (scopeChanged) {
      this.history = new History(this.history.capacity);
      this.prevStates = null;
      this.prevRuleInputs = null;
    }
    if (viewChanged) {
      this.viewVersion++;
      this.resample(scopeChanged);
    } else if (trendChanged && this.snapshot) {
      this.publish({ ...this.snapshot, trend: this.trend() });
    }
  }

  /** Re-tallies the last table at once (the query changed what is counted), without a new read. */
  private resample(restarted: boolean): void {
    if (!this.snapshot || this.busy) return;
    const prev = this.snapshot;
    const t0 = this.clock.now();
    const tally = this.tally();
    const listeners = this.listListeners();
    const tallyMs = this.clock.now() - t0;
    const q = this.query;
    this.publish({
      ...prev,
      viewVersion: this.viewVersion,
      filter: q.filterText,
      sortBy: q.sortBy,
      ascending: q.ascending,
      tally,
      tallyMs,
      processInfo: this.processInfo(tally, listeners),
      listeners: listeners.rows,
      listenerCount: listeners.count,
      deltas: restarted ? new Array<number>(STATE_SLOTS).fill(0) : prev.deltas,
      trend: this.trend(),
    });
  }

  /** Reschedules a pending tick for a new interval; a sample in progress schedules its own next tick. */
  private restartTimer(): void {
    if (!this.running || this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    const gen = this.generation;
    this.timer = this.clock.setTimeout(() => void this.loop(gen), this.query.intervalMs);
  }

  close(): void {
    this.stop();
    this.source.close();
  }
}

function sameFocus(a: Query['focus'], b: Query['focus']): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
