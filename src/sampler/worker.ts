/**
 * The sampler in a worker thread: the socket walk and the tally run here, off the thread that reads
 * keys and renders. It posts snapshots (compact tallies with the top rows, never per-socket data) and
 * takes the filter, the view (sort, drill-down, top N) and the interval from the main thread.
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { FilterNode } from '../model/filter.js';
import { readCounters } from '../sources/counters.js';
import { openSource } from '../sources/index.js';
import { procNetDir } from '../sources/proc.js';
import type { SourceChoice } from '../sources/types.js';
import { Sampler, type Snapshot, type ViewParams } from './sampler.js';

export interface WorkerInit {
  source: SourceChoice;
  pid?: number;
  intervalMs: number;
  historySeconds: number;
  filterText: string | null;
  filter: FilterNode | null;
  view: Partial<ViewParams>;
}

export type ToWorker =
  | { type: 'start' }
  | { type: 'filter'; text: string | null; node: FilterNode | null }
  | { type: 'view'; view: Partial<ViewParams> }
  | { type: 'interval'; ms: number }
  | { type: 'close' };

export type FromWorker = { type: 'snapshot'; snap: Snapshot } | { type: 'error'; message: string };

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

try {
  const source = await openSource({ source: init.source, pid: init.pid });
  const netDir = source.name === 'si' ? null : procNetDir(init.pid);
  const sampler = new Sampler(source, {
    intervalMs: init.intervalMs,
    historySeconds: init.historySeconds,
    filterText: init.filterText,
    filter: init.filter,
    view: init.view,
    readCounters: netDir ? () => readCounters(netDir) : undefined,
  });
  sampler.subscribe((snap) => post({ type: 'snapshot', snap }));
  sampler.onError((err) => post({ type: 'error', message: err.message }));
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'start': sampler.start(); break;
      case 'filter': sampler.setFilter(m.text, m.node); break;
      case 'view': sampler.setView(m.view); break;
      case 'interval': sampler.setIntervalMs(m.ms); break;
      case 'close': sampler.close(); port.close(); break; // the thread ends when nothing is left open
    }
  });
} catch (err) {
  post({ type: 'error', message: (err as Error).message });
}
