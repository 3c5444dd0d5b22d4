/**
 * Bounded per-state history: one fixed-size typed ring per state plus one for the total and one for
 * sample times. Memory is allocated once; a 24-hour run uses what the first minute did.
 */

import { STATE_SLOTS } from './states.js';

/** Series index of the total (state codes use 1..11). */
export const TOTAL_SERIES = 0;

export class History {
  readonly capacity: number;
  private readonly times: Float64Array;
  /** series[0] = total, series[code] = that state. */
  private readonly series: Uint32Array[];
  private head = 0; // next write position
  private len = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('history capacity must be an integer >= 2');
    this.capacity = capacity;
    this.times = new Float64Array(capacity);
    this.series = Array.from({ length: STATE_SLOTS }, () => new Uint32Array(capacity));
  }

  get length(): number {
    return this.len;
  }

  /** Records one sample: `states` indexed by code, `total` their sum. */
  push(timeMs: number, total: number, states: ArrayLike<number>): void {
    const h = this.head;
    this.times[h] = timeMs;
    this.series[TOTAL_SERIES][h] = total;
    for (let c = 1; c < STATE_SLOTS; c++) this.series[c][h] = states[c] ?? 0;
    this.head = (h + 1) % this.capacity;
    if (this.len < this.capacity) this.len++;
  }

  /** The last `max` values (oldest first) of a series: TOTAL_SERIES or a state code. */
  values(series: number, max = this.len): number[] {
    const k = Math.min(max, this.len);
    const out = new Array<number>(k);
    const s = this.series[series];
    for (let j = 0; j < k; j++) out[j] = s[(this.head - k + j + this.capacity * 2) % this.capacity];
    return out;
  }

  timesMs(max = this.len): number[] {
    const k = Math.min(max, this.len);
    const out = new Array<number>(k);
    for (let j = 0; j < k; j++) out[j] = this.times[(this.head - k + j + this.capacity * 2) % this.capacity];
    return out;
  }

  /** Summary of a series over the whole window (current, min, max, rate per second), without copying it. */
  stats(series: number): SeriesStats {
    const n = this.len;
    if (n === 0) return { current: 0, min: 0, max: 0, ratePerSec: 0, points: 0 };
    const s = this.series[series];
    const cap = this.capacity;
    const first = (this.head - n + cap) % cap;
    const last = (this.head - 1 + cap) % cap;
    let min = Infinity, max = -Infinity;
    for (let j = 0, at = first; j < n; j++, at = at + 1 === cap ? 0 : at + 1) {
      const x = s[at];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const span = (this.times[last] - this.times[first]) / 1000;
    return { current: s[last], min, max, ratePerSec: span > 0 ? (s[last] - s[first]) / span : 0, points: n };
  }
}

export interface SeriesStats {
  current: number;
  min: number;
  max: number;
  /** Change per second between the oldest and newest point in the window. */
  ratePerSec: number;
  points: number;
}
