/**
 * The contract between what produces samples and what reads them (the dashboard, the text and JSON
 * outputs). A local sampler, the sampler in a worker thread — and later a remote host or a replayed
 * recording — all stand behind `Store`: readers subscribe, get the latest immutable Snapshot (the same
 * object until data changes, as useSyncExternalStore needs), and say what they want with one setQuery.
 */

import type { Alerts } from '../model/alerts.js';
import type { Counters } from '../model/counters.js';
import type { FilterNode } from '../model/filter.js';
import type { Headroom } from '../model/headroom.js';
import type { ListenerRow } from '../model/listeners.js';
import type { SeriesStats } from '../model/history.js';
import type { Focus, SortKey, Tally } from '../model/tally.js';
import type { NetnsInfo } from '../sources/allnetns.js';
import type { Conntrack } from '../sources/conntrack.js';
import type { ProcessInfo, UpdateStats } from '../sources/owners.js';
import type { ReadStats, SourceName } from '../sources/types.js';

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 3_600_000;

export function clampInterval(ms: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(ms)));
}

export type { Focus } from '../model/tally.js';

/** What a reader asks the store for: what to count, how to sort and cut the lists, how often, which trend. */
export interface Query {
  /** The filter as typed (shown in the header) and parsed; both null for no filter. */
  filterText: string | null;
  filter: FilterNode | null;
  sortBy: SortKey;
  ascending: boolean;
  /** Peer lists restricted to the sockets of one service port. */
  focus: Focus | null;
  /** Rows kept per list (0 = all). */
  top: number;
  /** Rows kept in the ports list, when not `top` (0 = all; the exporter ranks every port per state). */
  portTop?: number;
  intervalMs: number;
  /** The history series the reader draws: 0 = all sockets, else a state code. */
  trendSeries: number;
  /** How many of that series' latest points travel in each snapshot (0 = none). */
  trendPoints: number;
  /** Every network namespace on the box, not only ours (a source that can: see --all-netns). */
  allNetns: boolean;
  /** A replayed recording's playback (src/store/replayStore.ts); other stores ignore it. */
  playback?: Playback;
}

/** A replay's speeds: ×0.25 … ×64 of the recorded pace. */
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 64;

/**
 * What the view asks of a replay: play or pause, how fast, and where to move. Moves are running sums
 * (samples stepped, ms of recorded time sought, since the start): the replay applies what they grew
 * by since the last query, so keys pressed faster than the view renders all count.
 */
export interface Playback {
  paused: boolean;
  /** ×0.25 … ×64 of the recorded pace. */
  speed: number;
  steps: number;
  seekMs: number;
}

/** Where a replay is: carried by the snapshots a replay publishes (absent from live ones). */
export interface ReplayInfo {
  /** Sample shown, 0-based, of count. */
  index: number;
  count: number;
  speed: number;
  playing: boolean;
}

export const DEFAULT_QUERY: Query = {
  filterText: null,
  filter: null,
  sortBy: 'total',
  ascending: false,
  focus: null,
  top: 0,
  intervalMs: 1000,
  trendSeries: 0,
  trendPoints: 0,
  allNetns: false,
};

/** The latest points of one history series, and its summary over the whole history window. */
export interface Trend {
  series: number;
  /** Oldest first; at most Query.trendPoints. */
  values: number[];
  /** Epoch ms of each value. */
  times: number[];
  /** Over the whole window (not only the points sent). */
  stats: SeriesStats;
}

export interface Snapshot {
  seq: number;
  /** Bumped by every query change that re-counts: a re-tally of the same sample has a higher one. */
  viewVersion: number;
  /** Epoch ms when the sample started. */
  time: number;
  source: SourceName;
  sourceSlow: boolean;
  /** The interval asked for. */
  intervalMs: number;
  /** The interval actually achieved (> intervalMs when samples overran it). */
  effectiveIntervalMs: number;
  /** Wall time of read + tally (+ counters). */
  sampleMs: number;
  readMs: number;
  tallyMs: number;
  /** The sample took longer than the interval: ticks were skipped. */
  stale: boolean;
  skippedTicks: number;
  /** The filter this snapshot was counted with. */
  filter: string | null;
  /** The sort its lists are in. */
  sortBy: SortKey;
  ascending: boolean;
  tally: Tally;
  /** Per-state change since the previous sample (indexed by state code; all zero on the first). */
  deltas: number[];
  counters: Counters;
  /** Per-second rates of the monotonic counters since the previous sample (empty on the first). */
  rates: Counters;
  read: ReadStats;
  trend: Trend;
  /** Socket ages are tracked since this epoch ms (port rows carry `oldest`); null when they are not. */
  agesSince: number | null;
  /** What the owner lookup did this sample (null: owners are not looked up). */
  attribution: UpdateStats | null;
  /** What each pid named in the lists is (command, user, container); absent when it exited meanwhile. */
  processInfo: Record<number, ProcessInfo>;
  /** With every namespace read: the sample's namespaces (tally.namespaces rows index it); else null. */
  namespaces: NetnsInfo[] | null;
  /**
   * The LISTEN sockets that pass the filter (in a namespace's view: that namespace's), fullest first,
   * at most Query.top of them; null when the producer does not list them.
   */
  listeners: ListenerRow[] | null;
  /** How many listeners there are (before the cut). */
  listenerCount: number;
  /** conntrack entries and nf_conntrack_max of our namespace; null when nf_conntrack is not loaded, or with --pid. */
  conntrack: Conntrack | null;
  /** The rules (--warn, --crit, the config file, the conntrack fills): what fires now, what fired and cleared. */
  alerts: Alerts;
  /**
   * Ephemeral-port headroom of our own namespace (src/model/headroom.ts): the fullest destinations
   * against ip_local_port_range. null when unknown: the sysctls read are this process's namespace's,
   * so with --pid (another namespace) or where they cannot be read there is nothing honest to say.
   * Not filtered: it counts every socket that holds a port.
   */
  headroom: Headroom | null;
  /** Set when the snapshot comes from a replayed recording (--replay): its position and pace. */
  replay?: ReplayInfo;
  /** A remote host's (--ssh): its link; absent for the local box. */
  remote?: RemoteLink;
}

/** A remote host's link (--ssh, src/store/remote.ts). */
export interface RemoteLink {
  /** The destination as given to ssh (user@host). */
  host: string;
  state: 'connecting' | 'up' | 'down';
  /** The remote counts (node-remote) or we do, from its /proc text (proc-remote); null before a session. */
  mode: 'proc-remote' | 'node-remote' | null;
  /** Bytes of the last sample on the wire. */
  bytesPerSample: number;
  /** Why it is down (ssh's last stderr line), else null. */
  reason: string | null;
  /** Epoch ms of the next reconnect while down, else null. */
  retryAt: number | null;
  /** The remote's "uname -sr" ('' until known). */
  os: string;
  /** Epoch ms the link last changed state. */
  since: number;
}

export interface Store {
  subscribe(fn: (s: Snapshot) => void): () => void;
  getSnapshot(): Snapshot | null;
  /** Changes what is counted and sent; fields left out keep their value. */
  setQuery(q: Partial<Query>): void;
  onError(fn: (e: Error) => void): () => void;
  start(): void;
  /** Stops sampling and releases the source; a worker store resolves once its thread has ended. */
  close(): void | Promise<void>;
}
