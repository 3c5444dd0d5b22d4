/**
 * An exact set of SocketTable rows keyed by (family, local address and port, remote address and port,
 * inode), allocation-free: open addressing over an Int32Array of row indices, compared column by column.
 * The /proc decoder uses it to drop rows the kernel repeats while the table churns under the reader.
 */

import type { SocketTable } from './table.js';

export class RowSet {
  private slots = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;
  private size = 0;

  clear(expected = 0): void {
    let cap = this.slots.length;
    while (cap < expected * 2) cap *= 2;
    if (cap !== this.slots.length) {
      this.slots = new Int32Array(cap);
      this.mask = cap - 1;
    }
    this.slots.fill(-1);
    this.size = 0;
  }

  /** Adds row i; returns false (and adds nothing) when an equal row is already in the set. */
  add(t: SocketTable, i: number): boolean {
    if (this.size * 2 >= this.slots.length) this.grow(t);
    let h = hashRow(t, i) & this.mask;
    for (;;) {
      const j = this.slots[h];
      if (j < 0) {
        this.slots[h] = i;
        this.size++;
        return true;
      }
      if (sameRow(t, i, j)) return false;
      h = (h + 1) & this.mask;
    }
  }

  private grow(t: SocketTable): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (const j of old) {
      if (j < 0) continue;
      let h = hashRow(t, j) & this.mask;
      while (this.slots[h] >= 0) h = (h + 1) & this.mask;
      this.slots[h] = j;
    }
  }
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return (h << 13) | (h >>> 19);
}

function hashRow(t: SocketTable, i: number): number {
  const a = i * 4;
  let h = t.family[i];
  h = mix(h, (t.lport[i] << 16) | t.rport[i]);
  h = mix(h, t.inode[i]);
  for (let k = 0; k < 4; k++) {
    h = mix(h, t.laddr[a + k]);
    h = mix(h, t.raddr[a + k]);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

function sameRow(t: SocketTable, i: number, j: number): boolean {
  if (t.lport[i] !== t.lport[j] || t.rport[i] !== t.rport[j] || t.inode[i] !== t.inode[j] || t.family[i] !== t.family[j]) return false;
  const a = i * 4, b = j * 4;
  for (let k = 0; k < 4; k++) if (t.laddr[a + k] !== t.laddr[b + k] || t.raddr[a + k] !== t.raddr[b + k]) return false;
  return true;
}
