/**
 * Tallies of one sample: per state, per family, per service port, per remote host and host:port.
 *
 * Service port: a socket whose local port is a LISTEN port of its own network namespace counts under
 * that local port, direction "in"; any other socket counts under its remote port, direction "out". The
 * LISTEN sets are taken from the whole table, so a filter never changes which ports count as "in"; with
 * --all-netns each namespace has its own (a client in one container whose ephemeral port is another
 * container's service port is "out").
 *
 * The walk allocates nothing per socket: states and ports are typed arrays indexed by port, peers are
 * typed open-addressing tables (KeyCounter); only the rows a list keeps become objects.
 */

import { formatV4, formatV6, isMapped } from './address.js';
import type { Predicate } from './filter.js';
import type { Owners } from './owners.js';
import { KEY_WORDS, KeyCounter, topCandidates } from './keycounter.js';
import { STATE_SLOTS, TCP } from './states.js';
import type { SocketTable } from './table.js';

const LISTEN = TCP.LISTEN;

export type Direction = 'in' | 'out';

export interface CountRow {
  total: number;
  /** Indexed by state code (1..11); index 0 unused. */
  states: number[];
}
/** A process's share of a row: how many of the row's sockets it holds. */
export interface OwnerShare {
  pid: number;
  sockets: number;
}

/** Who holds a row's sockets, when owners are looked up: the largest shares, and how many owners in all. */
export interface Owned {
  owners?: OwnerShare[];
  ownerCount?: number;
  /** Sockets of the row whose owner is not known: unreadable (not root) or not walked yet. */
  unknownOwners?: number;
}

export interface PortRow extends CountRow, Owned {
  port: number;
  direction: Direction;
  /** First-seen epoch ms of the oldest socket in each of AGE_STATES (0 = none), when ages are tracked. */
  oldest?: number[];
}

/** The states whose oldest socket per port the tally reports: a leak shows as ages that grow with the run time. */
export const AGE_STATES: readonly number[] = [TCP.ESTABLISHED, TCP.CLOSE_WAIT, TCP.FIN_WAIT2];
const AGE_INDEX = new Int8Array(STATE_SLOTS).fill(-1);
AGE_STATES.forEach((c, i) => (AGE_INDEX[c] = i));
/** A process and the sockets it holds (a socket shared by forked workers counts in each of them). */
export interface ProcessRow extends CountRow {
  pid: number;
  /** First-seen epoch ms of its oldest socket in each of AGE_STATES (0 = none), when ages are tracked. */
  oldest?: number[];
}

/** How the sockets that passed the filter split by what is known of their owners. */
export interface Ownership {
  /** Held by at least one process. */
  owned: number;
  /** Owner not readable (another user's process, without root): never guessed. */
  unreadable: number;
  /** No process holds them (TIME_WAIT, half-open, orphans). */
  none: number;
  /** Appeared since the last complete walk of the processes: not known yet. */
  pending: number;
}

/** The drill-down's subject: a service port, a process, or a network namespace (by inode). */
export type Focus = { port: number; direction: Direction } | { pid: number } | { netns: number };

/** A network namespace's sockets (with --all-netns); `index` is the table's netns column value. */
export interface NamespaceRow extends CountRow {
  index: number;
}

export interface PeerRow extends CountRow, Owned {
  /** Remote host; IPv4-mapped IPv6 peers are shown as their IPv4 address. */
  address: string;
  /** Set on host:port rows. */
  port?: number;
}

/** Sort key: 'total', a state code (1..11), or the row's key ('key' = port number / address). */
export type SortKey = 'total' | 'key' | number;

export interface TallyOptions {
  filter?: Predicate;
  /**
   * Drill-down: a port restricts the peer and process lists to that port's sockets; a process
   * restricts the port, peer and process lists to the sockets it holds.
   */
  focus?: Focus | null;
  sortBy?: SortKey;
  ascending?: boolean;
  /** Keep at most this many rows in each list (0 = all; see tallyTop for a row count). */
  top?: number;
  /** Rows of the ports list, when not `top` (0 = all: the exporter ranks every port per state itself). */
  portTop?: number;
  /** First-seen epoch ms per row of the table (SocketAges.firstSeen): port and process rows get `oldest`. */
  firstSeen?: Float64Array;
  /** Who holds the socket with this inode: rows get owners, and the tally a processes list and an ownership split. */
  owners?: (inode: number) => Owners;
  /** Namespaces in the table (its netns column): a namespaces list; a netns focus is resolved through `inodes`. */
  namespaces?: { inodes: readonly number[] };
  /** Ports whose rows are kept whatever the cut (alert rules on STATE:PORT): Tally.keptPorts. */
  keepPorts?: ReadonlySet<number>;
}

/** Owner shares per row at most: the largest. */
export const OWNERS_PER_ROW = 3;

/**
 * TallyOptions.top for a reader that prints `rows` rows of each list (Infinity = every row): 0 (all)
 * for Infinity, and at least 1 otherwise, as 0 would mean all: a reader of 0 rows cuts its own lists.
 */
export function tallyTop(rows: number): number {
  return rows === Infinity ? 0 : Math.max(1, Math.floor(rows));
}

export interface Tally {
  /** Sockets that passed the filter. */
  total: number;
  /** Sockets in the table before filtering. */
  scanned: number;
  states: number[];
  families: { v4: number; v6: number };
  ports: PortRow[];
  /** Number of distinct service ports before `top` cut the list. */
  portCount: number;
  peers: PeerRow[];
  peerCount: number;
  peerPorts: PeerRow[];
  peerPortCount: number;
  /** Processes by the same sort (empty without owners). */
  processes: ProcessRow[];
  processCount: number;
  /** null without owners. */
  ownership: Ownership | null;
  /** Per namespace (with --all-netns), by the same sort; empty otherwise. */
  namespaces: NamespaceRow[];
  /** A port's drill-down: that port's row, wherever the sort and the cut put it (undefined: no sockets now). */
  focusPort?: PortRow;
  /** The rows of TallyOptions.keepPorts' ports (both directions), before the cut; absent without it. */
  keptPorts?: PortRow[];
}


export function compareRows<T extends CountRow>(
  sortBy: SortKey,
  ascending: boolean,
  keyCmp: (a: T, b: T) => number,
): (a: T, b: T) => number {
  const sign = ascending ? 1 : -1;
  return (a, b) => {
    let d: number;
    if (sortBy === 'key') return ascending ? keyCmp(a, b) : -keyCmp(a, b);
    if (sortBy === 'total') d = a.total - b.total;
    else d = (a.states[sortBy] ?? 0) - (b.states[sortBy] ?? 0);
    if (d !== 0) return sign * d;
    if (a.total !== b.total) return b.total - a.total;
    return keyCmp(a, b);
  };
}

/** Key order of port rows (port, then direction) and peer rows (address, then port). */
export const processKeyCmp = (a: ProcessRow, b: ProcessRow) => a.pid - b.pid;
export const portKeyCmp = (a: PortRow, b: PortRow) => a.port - b.port || (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0);
export const peerKeyCmp = (a: PeerRow, b: PeerRow) =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : (a.port ?? 0) - (b.port ?? 0);

/** Holds the reusable buffers of the tally; one per sampler. */
export class Tallier {
  /** LISTEN ports when the table has one namespace (netns 0 only): the common case. */
  private readonly listen = new Uint8Array(65536);
  /** Several namespaces: per netns index, the offset of its LISTEN bitmap in nsBits (-1: it listens on nothing). */
  private nsSlot = new Int32Array(0);
  /** 65536-bit LISTEN maps (2048 words each), one per namespace that listens. */
  private nsBits = new Uint32Array(0);
  /** [direction(0 in,1 out)][port][state] */
  private readonly portCounts = new Uint32Array(2 * 65536 * STATE_SLOTS);
  private readonly portTotals = new Uint32Array(2 * 65536);
  private touched = new Int32Array(1024);
  /** [key][age state]: the smallest first-seen time; 0 = none yet. Allocated on the first tally with ages. */
  private portOldest: Float64Array | null = null;
  private readonly peers = new KeyCounter();
  private readonly peerPorts = new KeyCounter();
  private readonly shares = new ShareCounters();

  tally(t: SocketTable, opts: TallyOptions = {}): Tally {
    const { filter, focus = null, sortBy = 'total', ascending = false, top = 0, portTop = top, firstSeen, owners: ownersOf, namespaces, keepPorts } = opts;
    const nsCount = namespaces ? namespaces.inodes.length : 0;
    const nsStates = new Uint32Array(nsCount * STATE_SLOTS);
    // -1: no namespace focus; -2: a namespace not in this sample (gone): nothing is counted
    const nsAt = focus && 'netns' in focus && namespaces ? namespaces.inodes.indexOf(focus.netns) : -2;
    const focusNs = focus && 'netns' in focus ? (nsAt >= 0 ? nsAt : -2) : -1;
    const oldest = firstSeen ? (this.portOldest ??= new Float64Array(2 * 65536 * AGE_STATES.length)) : null;
    const n = t.n;
    const listen = this.listen;
    listen.fill(0);
    let other = 0;
    for (let i = 0; i < n; i++) {
      other |= t.netns[i];
      if (t.state[i] === LISTEN) listen[t.lport[i]] = 1;
    }
    // several namespaces: a port is "in" only where its own namespace listens on it
    const slot = other !== 0 ? this.listenPerNamespace(t) : null;
    const bits = this.nsBits;

    const states = new Array<number>(STATE_SLOTS).fill(0);
    let v4 = 0, v6 = 0, total = 0, nTouched = 0;
    const pc = this.portCounts, pt = this.portTotals;
    const peers = this.peers, peerPorts = this.peerPorts;
    peers.clear();
    peerPorts.clear();
    const focusKey = focus && 'port' in focus ? (focus.direction === 'in' ? 0 : 65536) + focus.port : -1;
    const focusPid = focus && 'pid' in focus ? focus.pid : -1;
    const shares = ownersOf ? this.shares.begin() : null;
    const procs = new Map<number, ProcAcc>();
    const ownership: Ownership | null = ownersOf ? { owned: 0, unreadable: 0, none: 0, pending: 0 } : null;
    const ageIndex = (st: number) => (firstSeen ? AGE_INDEX[st] : -1);

    for (let i = 0; i < n; i++) {
      // a namespace's drill-down is that namespace's own view: nothing else is counted
      if (focusNs !== -1 && t.netns[i] !== focusNs) continue;
      if (filter && !filter(t, i)) continue;
      const st = t.state[i];
      if (nsCount > 0 && t.netns[i] < nsCount) nsStates[t.netns[i] * STATE_SLOTS + st]++;
      total++;
      states[st]++;
      if (t.family[i] === 4) v4++; else v6++;
      const lp = t.lport[i];
      let inbound: boolean;
      if (slot === null) inbound = listen[lp] !== 0;
      else {
        const o = slot[t.netns[i]];
        inbound = o >= 0 && (bits[o + (lp >>> 5)] & (1 << (lp & 31))) !== 0;
      }
      const key = inbound ? lp : 65536 + t.rport[i];
      const who = ownersOf ? ownersOf(t.inode[i]) : null;
      if (who !== null) {
        if (typeof who === 'string') ownership![who]++;
        else ownership!.owned++;
      }
      const pids = who !== null && typeof who !== 'string' ? who : null;
      if (focusPid >= 0 && !(pids && pids.includes(focusPid))) continue;
      if (pids && (focusKey < 0 || key === focusKey)) {
        const ai = ageIndex(st);
        for (const pid of pids) {
          if (focusPid >= 0 && pid !== focusPid) continue;
          let p = procs.get(pid);
          if (!p) procs.set(pid, (p = { total: 0, states: new Uint32Array(STATE_SLOTS), oldest: null }));
          p.total++;
          p.states[st]++;
          if (ai >= 0) {
            const o = (p.oldest ??= new Float64Array(AGE_STATES.length));
            const f = firstSeen![i];
            if (o[ai] === 0 || f < o[ai]) o[ai] = f;
          }
        }
      }
      if (pt[key]++ === 0) {
        if (nTouched === this.touched.length) {
          const g = new Int32Array(nTouched * 2);
          g.set(this.touched);
          this.touched = g;
        }
        this.touched[nTouched++] = key;
      }
      pc[key * STATE_SLOTS + st]++;
      if (oldest && AGE_INDEX[st] >= 0) {
        const o = key * AGE_STATES.length + AGE_INDEX[st];
        const f = firstSeen![i];
        if (oldest[o] === 0 || f < oldest[o]) oldest[o] = f;
      }
      if (pids) for (const pid of pids) if (focusPid < 0 || pid === focusPid) shares!.ports.add(key, pid);
      const unknown = who === 'unreadable' || who === 'pending';
      if (unknown) shares!.ports.add(key, UNKNOWN);
      if (st === LISTEN || (focusKey >= 0 && key !== focusKey)) continue;
      const at = i * 4;
      const r = t.raddr;
      const rp = t.rport[i];
      if (t.family[i] === 4 || isMapped(r[at], r[at + 1], r[at + 2])) {
        // IPv4, and IPv4-mapped peers of dual-stack sockets, count as one IPv4 host
        const a = r[at + 3];
        if (a === 0 && rp === 0) continue;
        const h = peers.bump(0, 0, 0, a, 0, st);
        const hp = peerPorts.bump(0, 0, 0, a, rp, st);
        if (pids) shares!.addPeer(h, hp, pids, focusPid);
        else if (unknown) shares!.addPeer(h, hp, UNKNOWN_PIDS, -1);
      } else {
        if ((r[at] | r[at + 1] | r[at + 2] | r[at + 3]) === 0 && rp === 0) continue;
        const h = peers.bump(r[at], r[at + 1], r[at + 2], r[at + 3], V6_FLAG, st);
        const hp = peerPorts.bump(r[at], r[at + 1], r[at + 2], r[at + 3], V6_FLAG | rp, st);
        if (pids) shares!.addPeer(h, hp, pids, focusPid);
        else if (unknown) shares!.addPeer(h, hp, UNKNOWN_PIDS, -1);
      }
    }

    const ports: PortRow[] = new Array(nTouched);
    for (let k = 0; k < nTouched; k++) {
      const key = this.touched[k];
      const row: PortRow = {
        port: key & 0xffff,
        direction: key >= 65536 ? 'out' : 'in',
        total: pt[key],
        states: Array.from(pc.subarray(key * STATE_SLOTS, key * STATE_SLOTS + STATE_SLOTS)),
      };
      if (oldest) {
        const o = key * AGE_STATES.length;
        row.oldest = Array.from(oldest.subarray(o, o + AGE_STATES.length));
        oldest.fill(0, o, o + AGE_STATES.length);
      }
      if (shares) shares.ports.describe(key, row);
      ports[k] = row;
      pt[key] = 0;
      pc.fill(0, key * STATE_SLOTS, key * STATE_SLOTS + STATE_SLOTS);
    }
    const cut = <T>(rows: T[], n = top) => (n > 0 && rows.length > n ? rows.slice(0, n) : rows);
    ports.sort(compareRows(sortBy, ascending, portKeyCmp));
    const peerRows = peerList(peers, false, sortBy, ascending, top, shares?.peers);
    const peerPortRows = peerList(peerPorts, true, sortBy, ascending, top, shares?.peerPorts);
    const processes: ProcessRow[] = [];
    for (const [pid, p] of procs) {
      const row: ProcessRow = { pid, total: p.total, states: Array.from(p.states) };
      if (firstSeen) row.oldest = p.oldest ? Array.from(p.oldest) : new Array<number>(AGE_STATES.length).fill(0);
      processes.push(row);
    }
    processes.sort(compareRows(sortBy, ascending, processKeyCmp));
    const nsRows: NamespaceRow[] = [];
    for (let k = 0; k < nsCount; k++) {
      const st = Array.from(nsStates.subarray(k * STATE_SLOTS, (k + 1) * STATE_SLOTS));
      nsRows.push({ index: k, total: st.reduce((a, b) => a + b, 0), states: st });
    }
    nsRows.sort(compareRows(sortBy, ascending, (a: NamespaceRow, b: NamespaceRow) => a.index - b.index));
    return {
      total,
      scanned: n,
      states,
      families: { v4, v6 },
      ports: cut(ports, portTop),
      portCount: ports.length,
      peers: cut(peerRows),
      peerCount: peers.n,
      peerPorts: cut(peerPortRows),
      peerPortCount: peerPorts.n,
      processes: cut(processes),
      processCount: processes.length,
      ownership,
      namespaces: nsRows,
      focusPort: focusKey >= 0 ? ports.find((p) => (p.direction === 'in' ? 0 : 65536) + p.port === focusKey) : undefined,
      ...(keepPorts ? { keptPorts: ports.filter((p) => keepPorts.has(p.port)) } : {}),
    };
  }

  /**
   * The LISTEN bitmaps of a table with several namespaces: returns nsSlot, indexed by every netns value
   * in the table. Only namespaces that listen get a bitmap (8 KiB), reused from tally to tally.
   */
  private listenPerNamespace(t: SocketTable): Int32Array {
    const n = t.n, netns = t.netns, state = t.state;
    let max = 0;
    for (let i = 0; i < n; i++) if (netns[i] > max) max = netns[i];
    if (this.nsSlot.length <= max) this.nsSlot = new Int32Array(max + 1);
    const slot = this.nsSlot;
    slot.fill(-1, 0, max + 1);
    let used = 0;
    for (let i = 0; i < n; i++) {
      if (state[i] !== LISTEN) continue;
      const ns = netns[i];
      if (slot[ns] < 0) {
        const o = used++ * LISTEN_WORDS;
        if (this.nsBits.length < o + LISTEN_WORDS) {
          const g = new Uint32Array(Math.max(o + LISTEN_WORDS, this.nsBits.length * 2));
          g.set(this.nsBits);
          this.nsBits = g;
        }
        this.nsBits.fill(0, o, o + LISTEN_WORDS);
        slot[ns] = o;
      }
      const lp = t.lport[i];
      this.nsBits[slot[ns] + (lp >>> 5)] |= 1 << (lp & 31);
    }
    return slot;
  }
}

/** Words of one namespace's LISTEN bitmap (a bit per port). */
const LISTEN_WORDS = 65536 / 32;

/** Marks an IPv6 key (word 4), so ::a.b.c.d and a.b.c.d stay apart. */
const V6_FLAG = 0x10000;

/**
 * The rows of a peer list, sorted: only the candidates for the top N become objects (a busy box has
 * tens of thousands of host:port pairs; the dashboard shows twenty).
 */
function peerList(kc: KeyCounter, withPort: boolean, sortBy: SortKey, ascending: boolean, top: number, shares?: ShareCounter): PeerRow[] {
  const ids = sortBy === 'key' ? null : topCandidates(kc, sortBy === 'total' ? 0 : sortBy, top, ascending);
  const rows: PeerRow[] = [];
  const k = kc.keys;
  const each = (id: number) => {
    const a = id * KEY_WORDS;
    const v6 = (k[a + 4] & V6_FLAG) !== 0;
    const address = v6 ? formatV6(k[a], k[a + 1], k[a + 2], k[a + 3]) : formatV4(k[a + 3]);
    const row: PeerRow = { address, total: kc.totals[id], states: Array.from(kc.counts.subarray(id * STATE_SLOTS, id * STATE_SLOTS + STATE_SLOTS)) };
    if (withPort) row.port = k[a + 4] & 0xffff;
    shares?.describe(id, row);
    rows.push(row);
  };
  if (ids) for (const id of ids) each(id);
  else for (let id = 0; id < kc.n; id++) each(id);
  return rows.sort(compareRows(sortBy, ascending, peerKeyCmp));
}

interface ProcAcc {
  total: number;
  states: Uint32Array;
  oldest: Float64Array | null;
}

/**
 * Sockets per (row key, pid): only sockets that have owners (or whose owner is unknown) get here. Most
 * rows have one owner: its pid and count live in typed arrays indexed by key; a Map per key only for
 * rows with several. Reused from tally to tally (only the keys touched are reset).
 */
class ShareCounter {
  private pid = new Int32Array(1024);
  private n = new Uint32Array(1024);
  private unknown = new Uint32Array(1024);
  private readonly multi = new Map<number, Map<number, number>>();
  private touched: number[] = [];

  /** Forgets the last tally's shares. */
  begin(): void {
    for (const k of this.touched) {
      this.n[k] = 0;
      this.unknown[k] = 0;
    }
    this.touched = [];
    this.multi.clear();
  }

  private ensure(key: number): void {
    if (key < this.n.length) return;
    let cap = this.n.length;
    while (cap <= key) cap *= 2;
    const grow = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => { const b = make(cap); b.set(a); return b; };
    this.pid = grow(this.pid, (c) => new Int32Array(c));
    this.n = grow(this.n, (c) => new Uint32Array(c));
    this.unknown = grow(this.unknown, (c) => new Uint32Array(c));
  }

  add(key: number, pid: number): void {
    this.ensure(key);
    if (pid === UNKNOWN) {
      if (this.unknown[key]++ === 0 && this.n[key] === 0) this.touched.push(key);
      return;
    }
    if (this.n[key] === 0) {
      if (this.unknown[key] === 0) this.touched.push(key);
      this.pid[key] = pid;
      this.n[key] = 1;
      return;
    }
    if (this.pid[key] === pid && !this.multi.has(key)) {
      this.n[key]++;
      return;
    }
    let m = this.multi.get(key);
    if (!m) this.multi.set(key, (m = new Map([[this.pid[key], this.n[key]]])));
    m.set(pid, (m.get(pid) ?? 0) + 1);
  }

  /** Sets the row's largest owner shares (most sockets first, then lowest pid), its owner count and unknown owners. */
  describe(key: number, row: Owned): void {
    const inRange = key < this.n.length;
    row.unknownOwners = inRange ? this.unknown[key] : 0;
    const m = this.multi.get(key);
    if (!m) {
      const one = inRange && this.n[key] > 0;
      row.owners = one ? [{ pid: this.pid[key], sockets: this.n[key] }] : [];
      row.ownerCount = one ? 1 : 0;
      return;
    }
    const all = [...m].map(([pid, sockets]) => ({ pid, sockets }));
    all.sort((a, b) => b.sockets - a.sockets || a.pid - b.pid);
    row.owners = all.slice(0, OWNERS_PER_ROW);
    row.ownerCount = all.length;
  }
}

/** The pid under which a row counts its sockets of unknown owner. */
const UNKNOWN = -1;
const UNKNOWN_PIDS: readonly number[] = [UNKNOWN];

class ShareCounters {
  readonly ports = new ShareCounter();
  readonly peers = new ShareCounter();
  readonly peerPorts = new ShareCounter();

  begin(): this {
    this.ports.begin();
    this.peers.begin();
    this.peerPorts.begin();
    return this;
  }

  /** A socket's owners count under its peer host and its peer host:port (in a process drill-down, that process only). */
  addPeer(host: number, hostPort: number, pids: readonly number[], focusPid: number): void {
    for (const pid of pids) {
      if (focusPid >= 0 && pid !== focusPid) continue;
      this.peers.add(host, pid);
      this.peerPorts.add(hostPort, pid);
    }
  }
}

/** One-off tally with fresh buffers (tests, --once). */
export function tally(t: SocketTable, opts?: TallyOptions): Tally {
  return new Tallier().tally(t, opts);
}
