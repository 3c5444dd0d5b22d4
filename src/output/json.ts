/** The JSON / NDJSON face: one object per sample, schema documented in README. */

import { countsToObject, type StateName } from '../model/states.js';
import type { Services } from '../model/services.js';
import { shortId } from '../model/owners.js';
import type { Owned } from '../model/tally.js';
import type { Snapshot } from '../store/store.js';

/** A process's share of a row. */
export interface JsonOwner {
  pid: number;
  command: string | null;
  sockets: number;
}

export interface JsonSample {
  time: string;
  host: string;
  source: string;
  sourceSlow: boolean;
  intervalMs: number;
  sampleMs: number;
  stale: boolean;
  filter: string | null;
  total: number;
  families: { v4: number; v6: number };
  states: Record<StateName, number>;
  deltas: Record<StateName, number>;
  /** The top `top` rows of each list; the counts say how long each list was before the cut. */
  ports: ({ port: number; direction: 'in' | 'out'; service: string | null; total: number; states: Record<StateName, number> } & JsonOwned)[];
  portCount: number;
  peers: ({ address: string; total: number; states: Record<StateName, number> } & JsonOwned)[];
  peerCount: number;
  peerPorts: ({ address: string; port: number; total: number; states: Record<StateName, number> } & JsonOwned)[];
  peerPortCount: number;
  /** Processes holding the sockets (a socket shared by several counts in each); [] with --no-owners. */
  processes: { pid: number; command: string | null; user: string | null; container: string | null; total: number; states: Record<StateName, number> }[];
  processCount: number;
  /** Sockets whose owner could not be read (not root): never guessed. null with --no-owners. */
  unattributed: number | null;
  /** Sockets no process holds (TIME_WAIT, half-open, orphans). */
  ownerless: number | null;
  /** Sockets not attributed yet (appeared since the last complete walk of the processes). */
  ownersPending: number | null;
  /** With --all-netns: every network namespace (ours first), its member pids and counts; else null. */
  namespaces: { inode: number; label: string; own: boolean; pids: number[]; total: number; states: Record<StateName, number> }[] | null;
  /** LISTEN sockets that pass the filter, fullest first (top N like the other lists); null when not listed. */
  listeners: JsonListener[] | null;
  listenerCount: number;
  /**
   * Ephemeral-port headroom: sockets per destination (local address, remote address and port) on ports
   * of ip_local_port_range, fullest first (top N); null when unknown (--pid: another namespace).
   */
  headroom: { local: string; remote: string; port: number; used: number; size: number }[] | null;
  /** How many destinations hold ephemeral ports (headroom holds the top of them). */
  headroomCount: number | null;
  /** The settings that decide it, read from this namespace's sysctls; null when unknown. */
  headroomSettings: { range: [number, number]; size: number; reserved: number; twReuse: number | null; finTimeout: number | null; otherNamespaceSockets: number } | null;
  counters: Record<string, number>;
  rates: Record<string, number>;
  read: { rows: number; duplicates: number; malformed: number };
  /** conntrack of our namespace (entries, nf_conntrack_max); null when nf_conntrack is not loaded, or with --pid. */
  conntrack: { count: number; max: number } | null;
  /** The rules firing in this sample, worst first: since is when it started firing (ISO time). */
  alerts: { level: 'warning' | 'critical'; rule: string; metric: string; value: number; op: string; threshold: number; unit: string; since: string }[];
}

/** A LISTEN socket: its accept queue against its backlog (null: the source cannot tell), half-open sockets on it. */
export interface JsonListener {
  family: 4 | 6;
  address: string;
  port: number;
  acceptQueue: number | null;
  backlog: number | null;
  /** acceptQueue as % of backlog, one decimal; null when either is unknown. */
  fill: number | null;
  synRecv: number;
  /** The processes holding it (with --no-owners, or unreadable: none). */
  owners: { pid: number; command: string | null }[];
  /** With --all-netns: the inode of its network namespace. */
  netns?: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The largest owner shares of a row (with --no-owners: none), and how many owners it has. */
interface JsonOwned {
  owners: JsonOwner[];
  ownerCount: number;
}

/** One sample as JSON, with at most `top` rows in each of ports, peers and peerPorts (Infinity = all). */
export function toJson(s: Snapshot, host: string, services: Services, top = Infinity): JsonSample {
  const t = s.tally;
  const info = s.processInfo;
  const owned = (r: Owned): JsonOwned => ({
    owners: (r.owners ?? []).map((o) => ({ pid: o.pid, command: info[o.pid]?.command ?? null, sockets: o.sockets })),
    ownerCount: r.ownerCount ?? 0,
  });
  const rates: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.rates)) rates[k] = round3(v);
  return {
    time: new Date(s.time).toISOString(),
    host,
    source: s.source,
    sourceSlow: s.sourceSlow,
    intervalMs: s.intervalMs,
    sampleMs: round3(s.sampleMs),
    stale: s.stale,
    filter: s.filter,
    total: t.total,
    families: { ...t.families },
    states: countsToObject(t.states),
    deltas: countsToObject(s.deltas),
    ports: t.ports.slice(0, top).map((p) => ({
      port: p.port,
      direction: p.direction,
      service: services.nameOf(p.port) ?? null,
      total: p.total,
      states: countsToObject(p.states),
      ...owned(p),
    })),
    portCount: t.portCount,
    peers: t.peers.slice(0, top).map((p) => ({ address: p.address, total: p.total, states: countsToObject(p.states), ...owned(p) })),
    peerCount: t.peerCount,
    peerPorts: t.peerPorts.slice(0, top).map((p) => ({
      address: p.address,
      port: p.port ?? 0,
      total: p.total,
      states: countsToObject(p.states),
      ...owned(p),
    })),
    peerPortCount: t.peerPortCount,
    processes: t.processes.slice(0, top).map((p) => {
      const i = info[p.pid];
      return {
        pid: p.pid,
        command: i?.command ?? null,
        user: i?.user ?? null,
        container: i?.container ? shortId(i.container) : null,
        total: p.total,
        states: countsToObject(p.states),
      };
    }),
    processCount: t.processCount,
    unattributed: t.ownership?.unreadable ?? null,
    ownerless: t.ownership?.none ?? null,
    ownersPending: t.ownership?.pending ?? null,
    namespaces: s.namespaces
      ? s.namespaces.map((e, index) => {
        const row = t.namespaces.find((r) => r.index === index);
        return { inode: e.inode, label: e.label, own: e.own, pids: e.pids, total: row?.total ?? 0, states: countsToObject(row?.states ?? []) };
      })
      : null,
    listeners: s.listeners
      ? s.listeners.slice(0, top).map((l) => ({
        family: l.family,
        address: l.address,
        port: l.port,
        acceptQueue: l.acceptQueue,
        backlog: l.backlog,
        fill: l.fill === null ? null : Math.round(l.fill * 10) / 10,
        synRecv: l.synRecv,
        owners: typeof l.owners === 'object' ? l.owners.map((pid) => ({ pid, command: info[pid]?.command ?? null })) : [],
        ...(s.namespaces ? { netns: s.namespaces[l.netns]?.inode ?? 0 } : {}),
      }))
      : null,
    listenerCount: s.listenerCount,
    headroom: s.headroom ? s.headroom.rows.slice(0, top).map((r) => ({ local: r.local, remote: r.remote, port: r.port, used: r.used, size: r.size })) : null,
    headroomCount: s.headroom ? s.headroom.count : null,
    headroomSettings: s.headroom
      ? {
        range: [s.headroom.range[0], s.headroom.range[1]],
        size: s.headroom.size,
        reserved: s.headroom.reserved,
        twReuse: s.headroom.twReuse,
        finTimeout: s.headroom.finTimeout,
        otherNamespaceSockets: s.headroom.foreign,
      }
      : null,
    counters: { ...s.counters },
    rates,
    read: { ...s.read },
    conntrack: s.conntrack ? { count: s.conntrack.count, max: s.conntrack.max } : null,
    alerts: s.alerts.firing.map((f) => ({
      level: f.level, rule: f.rule, metric: f.label, value: round3(f.value), op: f.op, threshold: f.threshold, unit: f.unit, since: new Date(f.since).toISOString(),
    })),
  };
}
