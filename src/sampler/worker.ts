/**
 * The sampler in a worker thread: the socket walk and the tally run here, off the thread that reads
 * keys and renders. It posts snapshots (compact tallies with the top rows and the trend points the view
 * draws, never per-socket data) and takes query changes from the main thread.
 */

import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { Query, Snapshot } from '../store/store.js';
import { openSampler, type SamplerInit } from './open.js';

export type ToWorker =
  | { type: 'start' }
  | { type: 'query'; query: Partial<Query> }
  | { type: 'close' };

/** sameLog: the alerts log did not change since the last snapshot posted; it is left out (an empty list). */
export type FromWorker = { type: 'snapshot'; snap: Snapshot; sameLog?: boolean } | { type: 'error'; message: string };

// name this thread ("tcptally-sample", the 15 characters the kernel keeps): `top -H`, `ps -L` and the
// bench's per-thread CPU tell it from V8's and libuv's threads, which are all called "node"
try {
  writeFileSync('/proc/thread-self/comm', 'tcptally-sample');
} catch { /* no /proc (not Linux): the name is only a convenience */ }

// RSS. V8 grows an isolate's young generation (two semi-spaces) up to 2 × 16 MB when much survives a
// scavenge and keeps it: the UI thread's got there (~25 MB resident) for render garbage that dies
// within a frame. Its size can only be set at process start (--max-semi-space-size), but the growth
// factor is read whenever new space would grow, and 1 stops it. Flags are process-wide, and creating
// an isolate raises a factor below 2 back to 2, so it is set here, after this isolate was created.
// Measured (bench/mem.ts, median of 3): −25 MB RSS at 10k and 100k sockets; the UI thread pays ~2 ms/s
// more for the extra scavenges at 10k (none seen at 100k).
v8.setFlagsFromString('--semi-space-growth-factor=1');

// The netlink addon hands over each datagram in a malloc'd Buffer of its own (~10 MB per sample at
// 100k sockets), freed only once a GC finds it dead; this thread allocates little else on the JS heap,
// so scavenges are rare and several samples' datagrams piled up. A scavenge after each sample (a young
// generation of at most 2 MB: ~0.6 ms at 100k sockets) frees them before the next read.
v8.setFlagsFromString('--expose-gc');
const collectYoung = vm.runInNewContext('gc') as (opts: { type: 'minor' }) => void;

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

// a function, not top-level await: the single executable runs this file as a CommonJS script (scripts/sea.mjs)
async function serve(): Promise<void> {
  try {
    const sampler = await openSampler(workerData as SamplerInit);
    // the alerts log (up to 200 events, ~1 ms to clone each way) crosses only when it changed
    let lastLog: unknown = null;
    sampler.subscribe((snap) => {
      const sameLog = snap.alerts.log === lastLog && snap.alerts.log.length > 0;
      lastLog = snap.alerts.log;
      post(sameLog ? { type: 'snapshot', snap: { ...snap, alerts: { ...snap.alerts, log: [] } }, sameLog } : { type: 'snapshot', snap });
      collectYoung({ type: 'minor' });
    });
    sampler.onError((err) => post({ type: 'error', message: err.message }));
    port.on('message', (m: ToWorker) => {
      switch (m.type) {
        case 'start': sampler.start(); break;
        case 'query': sampler.setQuery(m.query); break;
        case 'close': sampler.close(); port.close(); break; // the thread ends when nothing is left open
      }
    });
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
}

void serve();
