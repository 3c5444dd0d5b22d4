/**
 * When each socket was first seen, across samples, with memory bounded by the sockets there are now.
 *
 * A socket is known by its inode when it has one, else by its 4-tuple (TIME_WAIT, request sockets and
 * orphans have inode 0). Each sample builds a fresh open-addressing table from the previous one: a socket
 * seen before keeps its first-seen time, a new one gets the sample's time, and a socket that is gone is
 * simply not carried over — no sweep, no growth over a day.
 */

import type { SocketTable } from './table.js';

const W = 10; // key words: laddr[4], raddr[4], lport | rport << 16, inode

class AgeTable {
  n = 0;
  keys: Uint32Array;
  first: Float64Array;
  slots: Int32Array;
  mask: number;

  constructor(capacity: number) {
    const cap = Math.max(64, capacity);
    this.keys = new Uint32Array(cap * W);
    this.first = new Float64Array(cap);
    let size = 128;
    while (size < cap * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** Empties the table for `capacity` keys, reusing its arrays when they are large enough. */
  reset(capacity: number): AgeTable {
    if (capacity > this.first.length) return new AgeTable(Math.max(capacity, this.first.length * 2));
    this.n = 0;
    this.slots.fill(-1);
    return this;
  }

  /** The slot for key `k` (words at k[at..at+W)): its id, or the bitwise complement of the free slot. */
  find(k: Uint32Array, at: number, h: number): number {
    let s = h & this.mask;
    for (;;) {
      const id = this.slots[s];
      if (id < 0) return ~s;
      const a = id * W;
      let same = true;
      for (let j = 0; j < W; j++) if (this.keys[a + j] !== k[at + j]) { same = false; break; }
      if (same) return id;
      s = (s + 1) & this.mask;
    }
  }

  insert(free: number, k: Uint32Array, at: number, first: number): void {
    const id = this.n++;
    this.keys.set(k.subarray(at, at + W), id * W);
    this.first[id] = first;
    this.slots[~free] = id;
  }
}

function hashKey(k: Uint32Array, at: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < W; j++) h = Math.imul(h ^ k[at + j], 0x01000193) ^ (h >>> 15);
  return h >>> 0;
}

export class SocketAges {
  /** States whose sockets are tracked (others get firstSeen 0: no hash, no memory); all when absent. */
  private readonly tracked: Uint8Array | null;

  constructor(states?: readonly number[]) {
    this.tracked = states ? new Uint8Array(16) : null;
    if (states) for (const c of states) this.tracked![c] = 1;
  }

  private prev = new AgeTable(0);
  /** The table the next update fills (two tables, swapped each update: nothing allocated per sample). */
  private spare = new AgeTable(0);
  private readonly key = new Uint32Array(W);
  /** First-seen epoch ms of each row of the last table passed to update(), by row index. */
  firstSeen = new Float64Array(0);
  /** Epoch ms of the first update: sockets there from the start are at least this old (a lower bound). */
  since = 0;

  /** Sockets remembered: those of the last update, never more. */
  get size(): number {
    return this.prev.n;
  }

  /** Records the sample at `now`: sets firstSeen[i] for every row i of `t`. */
  update(t: SocketTable, now: number): void {
    if (this.since === 0) this.since = now;
    const n = t.n;
    if (this.firstSeen.length < n) this.firstSeen = new Float64Array(Math.max(n, this.firstSeen.length * 2));
    const next = this.spare.reset(n);
    const k = this.key;
    const tracked = this.tracked;
    for (let i = 0; i < n; i++) {
      if (tracked && tracked[t.state[i]] === 0) {
        this.firstSeen[i] = 0;
        continue;
      }
      const inode = t.inode[i];
      if (inode !== 0) {
        k.fill(0, 0, 9);
      } else {
        const a = i * 4;
        k[0] = t.laddr[a]; k[1] = t.laddr[a + 1]; k[2] = t.laddr[a + 2]; k[3] = t.laddr[a + 3];
        k[4] = t.raddr[a]; k[5] = t.raddr[a + 1]; k[6] = t.raddr[a + 2]; k[7] = t.raddr[a + 3];
        k[8] = (t.lport[i] | (t.rport[i] << 16)) >>> 0;
      }
      k[9] = inode;
      const h = hashKey(k, 0);
      const slot = next.find(k, 0, h);
      if (slot >= 0) { // the same socket twice in one sample (a REUSEPORT twin): same age
        this.firstSeen[i] = next.first[slot];
        continue;
      }
      const old = this.prev.find(k, 0, h);
      const first = old >= 0 ? this.prev.first[old] : now;
      next.insert(slot, k, 0, first);
      this.firstSeen[i] = first;
    }
    this.spare = this.prev;
    this.prev = next;
  }
}
