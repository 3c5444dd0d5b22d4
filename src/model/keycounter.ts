/**
 * Per-state counts keyed by five 32-bit words (an address and a port), without an object or a string
 * per socket: open addressing over typed arrays. Dense ids in first-seen order; counts per id and state.
 */

import { STATE_SLOTS } from './states.js';

export const KEY_WORDS = 5;

export class KeyCounter {
  n = 0;
  keys = new Uint32Array(1024 * KEY_WORDS);
  counts = new Uint32Array(1024 * STATE_SLOTS);
  totals = new Uint32Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  private mask = 2047;

  clear(): void {
    if (this.n > 0) this.slots.fill(-1);
    this.n = 0;
  }

  /** Counts one socket in `state` under the key (w0..w3 = address words, w4 = port and family); returns the key's id. */
  bump(w0: number, w1: number, w2: number, w3: number, w4: number, state: number): number {
    let h = hash5(w0, w1, w2, w3, w4) & this.mask;
    const k = this.keys;
    for (;;) {
      const id = this.slots[h];
      if (id < 0) break;
      const a = id * KEY_WORDS;
      if (k[a] === w0 && k[a + 1] === w1 && k[a + 2] === w2 && k[a + 3] === w3 && k[a + 4] === w4) {
        this.counts[id * STATE_SLOTS + state]++;
        this.totals[id]++;
        return id;
      }
      h = (h + 1) & this.mask;
    }
    const id = this.add(w0, w1, w2, w3, w4);
    this.slots[h] = id;
    if (this.n * 2 > this.slots.length) this.rehash();
    this.counts[id * STATE_SLOTS + state]++;
    this.totals[id]++;
    return id;
  }

  private add(w0: number, w1: number, w2: number, w3: number, w4: number): number {
    const id = this.n++;
    if (id === this.totals.length) {
      const cap = id * 2;
      const g = (a: Uint32Array, k: number) => { const b = new Uint32Array(cap * k); b.set(a); return b; };
      this.keys = g(this.keys, KEY_WORDS);
      this.counts = g(this.counts, STATE_SLOTS);
      this.totals = g(this.totals, 1);
    }
    const a = id * KEY_WORDS;
    this.keys[a] = w0; this.keys[a + 1] = w1; this.keys[a + 2] = w2; this.keys[a + 3] = w3; this.keys[a + 4] = w4;
    this.counts.fill(0, id * STATE_SLOTS, id * STATE_SLOTS + STATE_SLOTS);
    this.totals[id] = 0;
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    const k = this.keys;
    for (let id = 0; id < this.n; id++) {
      const a = id * KEY_WORDS;
      let h = hash5(k[a], k[a + 1], k[a + 2], k[a + 3], k[a + 4]) & this.mask;
      while (this.slots[h] >= 0) h = (h + 1) & this.mask;
      this.slots[h] = id;
    }
  }

  /** Count of `state` for an id; state 0 means the total. */
  value(id: number, state: number): number {
    return state === 0 ? this.totals[id] : this.counts[id * STATE_SLOTS + state];
  }
}

function hash5(a: number, b: number, c: number, d: number, e: number): number {
  let h = Math.imul(a ^ 0x2545f491, 0x9e3779b1);
  h = Math.imul(h ^ b ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ d ^ (h >>> 16), 0x9e3779b1);
  h = Math.imul(h ^ e ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Ids worth turning into rows for a top-N list sorted by `state` (0 = total): every id whose value
 * reaches the N-th largest (ascending: smallest), ties included, so the exact order can be settled on
 * those rows alone. Returns null when all ids are needed (N = 0 or N ≥ n).
 */
export function topCandidates(kc: KeyCounter, state: number, top: number, ascending: boolean): number[] | null {
  if (top <= 0 || kc.n <= top) return null;
  const vals = new Float64Array(kc.n);
  for (let id = 0; id < kc.n; id++) vals[id] = kc.value(id, state);
  const sorted = Float64Array.from(vals).sort();
  const cut = ascending ? sorted[top - 1] : sorted[kc.n - top];
  const out: number[] = [];
  for (let id = 0; id < kc.n; id++) if (ascending ? vals[id] <= cut : vals[id] >= cut) out.push(id);
  return out;
}
