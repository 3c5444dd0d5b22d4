/**
 * A preload for bench/mem.ts --probe (node --import): in every thread of the dashboard (workers inherit
 * the flag) it writes that isolate's heap figures to $TCPTALLY_HEAPPROBE_DIR every second. It changes
 * what it measures a little (a timer, a file write), so it is for finding where memory goes, not for
 * the figures the bench reports.
 */

import { readlinkSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

export interface HeapProbe {
  thread: string;
  tid: number;
  /** KB: V8's own figures for this isolate. */
  heapPhysical: number;
  heapUsed: number;
  mallocedNow: number;
  mallocedPeak: number;
  /** KB held outside the heap by objects it owns (ArrayBuffers, Buffers, external strings). */
  external: number;
  arrayBuffers: number;
  /** Per space: [reserved, used, physical] KB. */
  spaces: Record<string, [number, number, number]>;
}

const dir = process.env.TCPTALLY_HEAPPROBE_DIR;
if (dir) {
  const thread = isMainThread ? 'main' : `worker${threadId}`;
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  const kb = (n: number) => Math.round(n / 1024);
  const write = () => {
    const s = v8.getHeapStatistics();
    const mu = process.memoryUsage();
    const probe: HeapProbe = {
      thread,
      tid,
      heapPhysical: kb(s.total_physical_size),
      heapUsed: kb(s.used_heap_size),
      mallocedNow: kb(s.malloced_memory),
      mallocedPeak: kb(s.peak_malloced_memory),
      external: kb(s.external_memory),
      arrayBuffers: kb(mu.arrayBuffers),
      spaces: Object.fromEntries(v8.getHeapSpaceStatistics()
        .filter((x) => x.space_size > 0)
        .map((x) => [x.space_name, [kb(x.space_size), kb(x.space_used_size), kb(x.physical_space_size)]])),
    };
    writeFileSync(`${dir}/${process.pid}-${thread}.json`, JSON.stringify(probe));
  };
  setInterval(write, 1000).unref();
}
