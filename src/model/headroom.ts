/**
 * Ephemeral-port headroom: for each destination, how many of the ports connect() picks from are in use.
 *
 * What limits connect(): a connection is a 4-tuple (local address, local port, remote address, remote
 * port) and the kernel lets one local port serve many destinations at once (__inet_hash_connect checks
 * the 4-tuple, not the port). So a client that connect()s without bind() runs out of ports towards ONE
 * destination (remote address and port) from ONE local address: when every port of
 * ip_local_port_range (less ip_local_reserved_ports) already has a socket to that destination,
 * connect() fails with EADDRNOTAVAIL, however few sockets go elsewhere. Counted per
 * (local address, remote address, remote port): every socket whose local port is in the range and not
 * reserved — TIME_WAIT and SYN_SENT included (they hold their 4-tuple) — against the range's size.
 *
 * Left out: LISTEN sockets, and sockets whose local port is a LISTEN port of our namespace (accepted
 * connections: their port is the service's, not an ephemeral one; only namespace 0 is counted, so only
 * its listeners count), and unconnected ones (no remote). Not seen from the
 * socket table, said honestly in the README: a client that bind()s before connect() holds its port for
 * every destination; a listener or bound socket on a port inside the range takes that port from every
 * destination; tcp_tw_reuse lets connect() take over a TIME_WAIT 4-tuple. IPv4-mapped addresses of
 * dual-stack sockets count as IPv4 (the kernel hashes them as IPv4 connections).
 *
 * No object per socket: a typed open-addressing counter keyed by nine 32-bit words; only the rows kept
 * become objects.
 */

import { formatV4, formatV6, isMapped } from './address.js';
import { ephemeralMask, ephemeralSize, reservedInRange, type PortSettings } from './sysctl.js';
import { TCP } from './states.js';
import type { SocketTable } from './table.js';

export interface HeadroomRow {
  family: 4 | 6;
  local: string;
  remote: string;
  port: number;
  /** Sockets (= local ports: the 4-tuple is unique) towards this destination from this local address. */
  used: number;
  /** Ports connect() picks from: the range less the reserved ports in it. */
  size: number;
}

export interface Headroom {
  range: [number, number];
  /** Ports connect() picks from (range less reserved). */
  size: number;
  /** Reserved ports inside the range. */
  reserved: number;
  twReuse: number | null;
  finTimeout: number | null;
  /** The fullest destinations, by used (most first); at most `top`. */
  rows: HeadroomRow[];
  /** How many destinations hold ephemeral ports (before the cut). */
  count: number;
  /** Sockets of other network namespaces in the table, not counted (their sysctls are not ours to read). */
  foreign: number;
}

/** Fill in percent. */
export function fillPercent(r: Pick<HeadroomRow, 'used' | 'size'>): number {
  return r.size > 0 ? (100 * r.used) / r.size : 0;
}

/** Rows at or above this fill are highlighted (and the README's triage recipe starts here). */
export const HEADROOM_WARN_PERCENT = 80;

const W = 9; // local address (4 words), remote address (4 words), remote port | V6 flag
const V6 = 0x10000;
const LISTEN = TCP.LISTEN;

export class HeadroomCounter {
  private n = 0;
  private keys = new Uint32Array(1024 * W);
  private counts = new Uint32Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  private mask = 2047;
  private readonly eph = new Uint8Array(65536);
  private readonly listen = new Uint8Array(65536);
  private maskOf: PortSettings | null = null;

  /**
   * Counts `t`'s sockets of namespace index 0 (ours: a single-namespace source writes only 0) and
   * returns the `top` fullest destinations (0: all).
   */
  count(t: SocketTable, settings: PortSettings, top = 0): Headroom {
    if (this.maskOf !== settings) {
      ephemeralMask(settings, this.eph);
      this.maskOf = settings;
    }
    const size = ephemeralSize(settings);
    const eph = this.eph, listen = this.listen;
    const n = t.n;
    listen.fill(0);
    let foreign = 0;
    for (let i = 0; i < n; i++) {
      if (t.netns[i] !== 0) foreign++;
      else if (t.state[i] === LISTEN) listen[t.lport[i]] = 1;
    }
    if (this.n > 0) this.slots.fill(-1);
    this.n = 0;
    const l = t.laddr, r = t.raddr;
    for (let i = 0; i < n; i++) {
      const lp = t.lport[i];
      if (eph[lp] === 0 || listen[lp] !== 0 || t.state[i] === LISTEN || t.netns[i] !== 0) continue;
      const at = i * 4;
      const rp = t.rport[i];
      if (t.family[i] === 4 || isMapped(r[at], r[at + 1], r[at + 2])) {
        if (r[at + 3] === 0 && rp === 0) continue; // not connected
        this.bump(0, 0, 0, l[at + 3], 0, 0, 0, r[at + 3], rp);
      } else {
        if ((r[at] | r[at + 1] | r[at + 2] | r[at + 3]) === 0 && rp === 0) continue;
        this.bump(l[at], l[at + 1], l[at + 2], l[at + 3], r[at], r[at + 1], r[at + 2], r[at + 3], V6 | rp);
      }
    }
    return {
      range: [settings.range[0], settings.range[1]],
      size,
      reserved: reservedInRange(settings),
      twReuse: settings.twReuse,
      finTimeout: settings.finTimeout,
      rows: this.rows(top, size),
      count: this.n,
      foreign,
    };
  }

  private bump(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number, p: number): void {
    let h = hash9(a0, a1, a2, a3, b0, b1, b2, b3, p) & this.mask;
    const k = this.keys;
    for (;;) {
      const id = this.slots[h];
      if (id < 0) break;
      const a = id * W;
      if (k[a + 8] === p && k[a + 7] === b3 && k[a + 3] === a3 && k[a + 6] === b2 && k[a + 5] === b1 && k[a + 4] === b0 &&
        k[a + 2] === a2 && k[a + 1] === a1 && k[a] === a0) {
        this.counts[id]++;
        return;
      }
      h = (h + 1) & this.mask;
    }
    const id = this.n++;
    if (id === this.counts.length) {
      const cap = id * 2;
      const keys = new Uint32Array(cap * W);
      keys.set(this.keys);
      this.keys = keys;
      const counts = new Uint32Array(cap);
      counts.set(this.counts);
      this.counts = counts;
    }
    const a = id * W;
    const kk = this.keys;
    kk[a] = a0; kk[a + 1] = a1; kk[a + 2] = a2; kk[a + 3] = a3;
    kk[a + 4] = b0; kk[a + 5] = b1; kk[a + 6] = b2; kk[a + 7] = b3; kk[a + 8] = p;
    this.counts[id] = 1;
    this.slots[h] = id;
    if (this.n * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    const k = this.keys;
    for (let id = 0; id < this.n; id++) {
      const a = id * W;
      let h = hash9(k[a], k[a + 1], k[a + 2], k[a + 3], k[a + 4], k[a + 5], k[a + 6], k[a + 7], k[a + 8]) & this.mask;
      while (this.slots[h] >= 0) h = (h + 1) & this.mask;
      this.slots[h] = id;
    }
  }

  /**
   * The `top` destinations with most sockets (0: all), most first, ties by address and port. Only
   * those become objects: the ids above the cut-off count, then ids at it in table order until `top`.
   */
  private rows(top: number, size: number): HeadroomRow[] {
    const n = this.n;
    const counts = this.counts;
    let ids: number[];
    if (top <= 0 || n <= top) {
      ids = Array.from({ length: n }, (_, i) => i);
    } else {
      const sorted = counts.slice(0, n).sort();
      const cut = sorted[n - top];
      ids = [];
      for (let id = 0; id < n; id++) if (counts[id] > cut) ids.push(id);
      for (let id = 0; id < n && ids.length < top; id++) if (counts[id] === cut) ids.push(id);
    }
    const k = this.keys;
    const rows = ids.map((id): HeadroomRow => {
      const a = id * W;
      const v6 = (k[a + 8] & V6) !== 0;
      return {
        family: v6 ? 6 : 4,
        local: v6 ? formatV6(k[a], k[a + 1], k[a + 2], k[a + 3]) : formatV4(k[a + 3]),
        remote: v6 ? formatV6(k[a + 4], k[a + 5], k[a + 6], k[a + 7]) : formatV4(k[a + 7]),
        port: k[a + 8] & 0xffff,
        used: counts[id],
        size,
      };
    });
    return rows.sort(compareHeadroomRows);
  }
}

/** Most used first; then IPv4 before IPv6, remote, port, local (a stable order for equal counts). */
export function compareHeadroomRows(a: HeadroomRow, b: HeadroomRow): number {
  return b.used - a.used || a.family - b.family || cmp(a.remote, b.remote) || a.port - b.port || cmp(a.local, b.local);
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

function hash9(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h0: number, p: number): number {
  let h = Math.imul(d ^ 0x2545f491, 0x9e3779b1);
  h = Math.imul(h ^ h0 ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ p ^ (h >>> 13), 0xc2b2ae35);
  if ((a | b | c | e | f | g) !== 0) {
    h = Math.imul(h ^ a ^ (h >>> 16), 0x9e3779b1);
    h = Math.imul(h ^ b ^ (h >>> 15), 0x85ebca6b);
    h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ e ^ (h >>> 16), 0x9e3779b1);
    h = Math.imul(h ^ f ^ (h >>> 15), 0x85ebca6b);
    h = Math.imul(h ^ g ^ (h >>> 13), 0xc2b2ae35);
  }
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * What a `headroom` rule reads (RuleExtra.headroom): the fullest destination's ports in use and the
 * range's size; 0 used when no destination holds an ephemeral port; null when the headroom is unknown.
 */
export function headroomInput(h: Headroom | null): { used: number; size: number } | null {
  if (!h) return null;
  return { used: h.rows[0]?.used ?? 0, size: h.size };
}
