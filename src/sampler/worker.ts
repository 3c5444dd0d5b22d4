/**
 * The sampler in a worker thread: the socket walk and the tally run here, off the thread that reads
 * keys and renders. It posts snapshots (compact tallies with the top rows and the trend points the view
 * draws, never per-socket data) and takes query changes from the main thread.
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { Query, Snapshot } from '../store/store.js';
import { openSampler, type SamplerInit } from './open.js';

export type ToWorker =
  | { type: 'start' }
  | { type: 'query'; query: Partial<Query> }
  | { type: 'close' };

export type FromWorker = { type: 'snapshot'; snap: Snapshot } | { type: 'error'; message: string };

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const sampler = await openSampler(workerData as SamplerInit);
  sampler.subscribe((snap) => post({ type: 'snapshot', snap }));
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
