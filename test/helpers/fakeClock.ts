/**
 * A manual scheduler for the sampler's injected clock: time moves only when the test says so, timers
 * fire in time order, and the promises they start settle before time moves on. No real sleeps.
 */

import { setImmediate as tick } from 'node:timers/promises';
import { addRecord } from '../../src/model/records.js';
import type { SocketRecord, SocketTable } from '../../src/model/table.js';
import type { SamplerClock } from '../../src/sampler/sampler.js';
import type { ReadStats, Source } from '../../src/sources/types.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements SamplerClock {
  private t = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== handle);
  };

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (in time order, each at
   * its own time), and lets the promise chains they start settle after each one.
   */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (let fired = 0; ; fired++) {
      if (fired > 100_000) throw new Error('FakeClock: a timer storm (over 100000 timers in one advance)');
      let next: Timer | undefined;
      for (const x of this.timers) if (x.at <= end && (!next || x.at < next.at)) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every pending promise continuation run (a few macrotask turns, never a timed wait). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

/**
 * A source whose reads take a scripted time on a FakeClock (durations[i] for read i; the last repeats)
 * and that records when each read started and how many reads were in flight at once.
 */
export class ClockedSource implements Source {
  readonly name = 'proc' as const;
  readonly slow = false;
  readonly where = 'fake';
  /** Clock time at which each read started. */
  readonly starts: number[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly clock: FakeClock, private readonly durations: number[], private readonly frame: SocketRecord[] = []) {}

  get reads(): number {
    return this.starts.length;
  }

  async read(t: SocketTable): Promise<ReadStats> {
    const i = this.starts.length;
    this.starts.push(this.clock.now());
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const ms = this.durations[Math.min(i, this.durations.length - 1)];
      if (ms > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, ms));
      t.clear();
      for (const r of this.frame) addRecord(t, r);
      return { rows: this.frame.length, duplicates: 0, malformed: 0 };
    } finally {
      this.inFlight--;
    }
  }

  close(): void {}
}
