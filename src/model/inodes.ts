/**
 * Tables keyed by a socket inode (a u32, never 0: inode 0 means "no socket") without an object or a
 * boxed number per entry: open addressing with linear probing over typed arrays, deletion by backward
 * shift (no tombstones, so a table that churns for a day does not degrade).
 */

/** u32 key (≠ 0) → i32 value. */
export class U32Map {
  size = 0;
  private keys: Uint32Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding key, or -1. */
  private find(key: number): number {
    const k = this.keys;
    let i = this.home(key);
    for (;;) {
      const x = k[i];
      if (x === key) return i;
      if (x === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    return key !== 0 && this.find(key) >= 0;
  }

  /** The value for key, or `missing`. */
  get(key: number, missing: number): number {
    if (key === 0) return missing;
    const i = this.find(key);
    return i < 0 ? missing : this.vals[i];
  }

  set(key: number, val: number): void {
    if (key === 0) throw new RangeError('U32Map: key 0 is reserved');
    const k = this.keys;
    let i = this.home(key);
    for (;;) {
      const x = k[i];
      if (x === key) { this.vals[i] = val; return; }
      if (x === 0) break;
      i = (i + 1) & this.mask;
    }
    k[i] = key;
    this.vals[i] = val;
    if (++this.size * 2 > k.length) this.grow();
  }

  delete(key: number): boolean {
    if (key === 0) return false;
    let i = this.find(key);
    if (i < 0) return false;
    const k = this.keys, v = this.vals, mask = this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const x = k[j];
      if (x === 0) break;
      const h = this.home(x);
      // x may move back to the hole at i unless its home lies cyclically in (i, j]
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!stays) { k[i] = x; v[i] = v[j]; i = j; }
    }
    k[i] = 0;
    this.size--;
    return true;
  }

  clear(): void {
    if (this.size > 0) this.keys.fill(0);
    this.size = 0;
  }

  /** Calls fn for every entry (do not modify the map inside). */
  forEach(fn: (key: number, val: number) => void): void {
    const k = this.keys, v = this.vals;
    for (let i = 0; i < k.length; i++) if (k[i] !== 0) fn(k[i], v[i]);
  }

  private grow(): void {
    const ok = this.keys, ov = this.vals;
    const cap = ok.length * 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let i = 0; i < ok.length; i++) {
      const x = ok[i];
      if (x === 0) continue;
      let h = this.home(x);
      while (this.keys[h] !== 0) h = (h + 1) & this.mask;
      this.keys[h] = x;
      this.vals[h] = ov[i];
    }
  }
}

/**
 * inode → the pids holding it. Most sockets have one owner (stored inline as the pid); a socket shared
 * by forked workers keeps a sorted list (stored as −(list index + 1)).
 */
export class InodeOwners {
  private map = new U32Map(4096);
  private lists: number[][] = [];
  private free: number[] = [];

  /** Inodes with at least one owner. */
  get size(): number {
    return this.map.size;
  }

  has(inode: number): boolean {
    return this.map.has(inode);
  }

  add(inode: number, pid: number): void {
    const v = this.map.get(inode, 0);
    if (v === 0) { this.map.set(inode, pid); return; }
    if (v === pid) return;
    if (v > 0) {
      const list = [v, pid].sort((a, b) => a - b);
      const at = this.free.pop() ?? this.lists.length;
      this.lists[at] = list;
      this.map.set(inode, -(at + 1));
      return;
    }
    const list = this.lists[-v - 1];
    if (list.includes(pid)) return;
    list.push(pid);
    list.sort((a, b) => a - b);
  }

  remove(inode: number, pid: number): void {
    const v = this.map.get(inode, 0);
    if (v === 0) return;
    if (v > 0) {
      if (v === pid) this.map.delete(inode);
      return;
    }
    const at = -v - 1;
    const list = this.lists[at];
    const k = list.indexOf(pid);
    if (k < 0) return;
    list.splice(k, 1);
    if (list.length === 1) {
      this.map.set(inode, list[0]);
      this.lists[at] = [];
      this.free.push(at);
    }
  }

  /** The pids holding inode, ascending; null when none is known. */
  owners(inode: number): readonly number[] | null {
    const v = this.map.get(inode, 0);
    if (v === 0) return null;
    return v > 0 ? [v] : this.lists[-v - 1].slice();
  }
}
