/**
 * Listeners: one row per LISTEN socket with its accept queue against its backlog, and the half-open
 * (SYN_RECV) sockets waiting on it. Pure: reads a SocketTable, allocates only for the rows it returns.
 *
 * For a LISTEN socket the kernel's inet_diag reply carries the accept queue now (idiag_rqueue) and the
 * backlog (idiag_wqueue): what `ss -lnt` shows as Recv-Q and Send-Q. A full queue holds backlog + 1
 * connections, so a fill can pass 100 %. /proc has the queue but not the backlog (backlog null, fill
 * null); systeminformation has neither.
 *
 * Cost: one pass over the state column (one byte per socket), and work only for LISTEN and SYN_RECV
 * rows: the filter runs on LISTEN rows only.
 */

import { formatAddress, isMapped } from './address.js';
import type { Predicate } from './filter.js';
import type { Owners } from './owners.js';
import { TCP } from './states.js';
import { QUEUE_UNKNOWN, type SocketTable } from './table.js';

/** A queue at or above this % of its backlog is highlighted and sorts to the top. */
export const HIGH_FILL = 80;

export interface ListenerRow {
  family: 4 | 6;
  address: string;
  port: number;
  /** Connections waiting to be accepted; null when the source cannot tell (systeminformation). */
  acceptQueue: number | null;
  /** The listen backlog (after the kernel's somaxconn clamp); null when the source cannot tell (/proc). */
  backlog: number | null;
  /** Half-open connections (SYN_RECV) on this listener. */
  synRecv: number;
  /** acceptQueue as a % of the backlog (of 1 for a backlog of 0); null when either is unknown. */
  fill: number | null;
  inode: number;
  /** The row's network namespace (the table's netns index; 0 = ours). */
  netns: number;
  /** Who holds the socket, when owners are looked up. */
  owners?: Owners;
}

export interface ListenerOptions {
  /** Which listeners to list (evaluated on LISTEN rows only). */
  filter?: Predicate;
  /** Only the rows of this netns index (a namespace's own view); -1 or absent: every row. */
  netns?: number;
  /** Who holds the socket with this inode. */
  owners?: (inode: number) => Owners;
  /** Keep at most this many rows (0 or absent: all). */
  top?: number;
}

export interface Listeners {
  /** Sorted: at or above HIGH_FILL first, then fullest, then port (see compareListeners). */
  rows: ListenerRow[];
  /** Listeners before `top` cut the list. */
  count: number;
  /** The fullest listener's fill (over all of them, not only the rows kept); null when no backlog is known. */
  maxFill: number | null;
}

/** True when the row's accept queue is at or above HIGH_FILL % of its backlog. */
export function isHigh(r: Pick<ListenerRow, 'fill'>): boolean {
  return r.fill !== null && r.fill >= HIGH_FILL;
}

/**
 * Fullest first (so every row at or above HIGH_FILL is above the rest), unknown fills last; then by
 * accept queue, port, address.
 */
export function compareListeners(a: ListenerRow, b: ListenerRow): number {
  const fa = a.fill ?? -1, fb = b.fill ?? -1;
  if (fa !== fb) return fb - fa;
  const qa = a.acceptQueue ?? -1, qb = b.acceptQueue ?? -1;
  if (qa !== qb) return qb - qa;
  if (a.port !== b.port) return a.port - b.port;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.netns - b.netns;
}

/** The fill of a queue against a backlog, in %: a backlog of 0 still holds one connection. */
export function fillOf(queue: number | null, backlog: number | null): number | null {
  if (queue === null || backlog === null) return null;
  return (100 * queue) / Math.max(1, backlog);
}

const isWildcard = (t: SocketTable, i: number) => {
  const a = i * 4, l = t.laddr;
  return (l[a] | l[a + 1] | l[a + 2] | l[a + 3]) === 0;
};

/** Same local address (IPv4 and its IPv4-mapped form alike). */
function sameLocal(t: SocketTable, i: number, j: number): boolean {
  const a = i * 4, b = j * 4, l = t.laddr;
  if (l[a + 3] !== l[b + 3]) return false;
  const v4a = t.family[i] === 4 || isMapped(l[a], l[a + 1], l[a + 2]);
  const v4b = t.family[j] === 4 || isMapped(l[b], l[b + 1], l[b + 2]);
  if (v4a || v4b) return v4a && v4b;
  return l[a] === l[b] && l[a + 1] === l[b + 1] && l[a + 2] === l[b + 2];
}

/**
 * The listeners of a sample. A SYN_RECV socket counts under the listener on its namespace and local
 * port with its local address, else under that port's wildcard listener, else the port's first listener
 * (several SO_REUSEPORT listeners on one address: the first of them).
 */
export function listListeners(t: SocketTable, opts: ListenerOptions = {}): Listeners {
  const { filter, owners, top = 0 } = opts;
  const ns = opts.netns ?? -1;
  const n = t.n;
  const state = t.state;
  const LISTEN = TCP.LISTEN, SYN_RECV = TCP.SYN_RECV;
  // one pass over the state column: the LISTEN rows that pass, and where the SYN_RECV rows are
  const found: number[] = [];
  const half: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = state[i];
    if (s === SYN_RECV) half.push(i);
    else if (s === LISTEN && (ns < 0 || t.netns[i] === ns) && (!filter || filter(t, i))) found.push(i);
  }
  const synRecv = new Uint32Array(found.length);
  if (half.length > 0 && found.length > 0) {
    // (netns, port) → indices into `found`
    const byPort = new Map<number, number[]>();
    found.forEach((row, k) => {
      const key = t.netns[row] * 65536 + t.lport[row];
      const list = byPort.get(key);
      if (list) list.push(k); else byPort.set(key, [k]);
    });
    for (const i of half) {
      const list = byPort.get(t.netns[i] * 65536 + t.lport[i]);
      if (!list) continue;
      let pick = -1, wild = -1;
      for (const k of list) {
        if (sameLocal(t, found[k], i)) { pick = k; break; }
        if (wild < 0 && isWildcard(t, found[k])) wild = k;
      }
      synRecv[pick >= 0 ? pick : wild >= 0 ? wild : list[0]]++;
    }
  }
  const rows: ListenerRow[] = found.map((i, k) => {
    const rq = t.rqueue[i], wq = t.wqueue[i];
    const acceptQueue = rq === QUEUE_UNKNOWN ? null : rq;
    const backlog = wq === QUEUE_UNKNOWN ? null : wq;
    const row: ListenerRow = {
      family: t.family[i] === 4 ? 4 : 6,
      address: formatAddress(t.family[i], t.laddr, i * 4),
      port: t.lport[i],
      acceptQueue,
      backlog,
      synRecv: synRecv[k],
      fill: fillOf(acceptQueue, backlog),
      inode: t.inode[i],
      netns: t.netns[i],
    };
    if (owners) row.owners = owners(t.inode[i]);
    return row;
  });
  rows.sort(compareListeners);
  let maxFill: number | null = null;
  for (const r of rows) if (r.fill !== null && (maxFill === null || r.fill > maxFill)) maxFill = r.fill;
  return { rows: top > 0 && rows.length > top ? rows.slice(0, top) : rows, count: rows.length, maxFill };
}
