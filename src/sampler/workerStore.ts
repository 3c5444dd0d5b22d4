/**
 * The main thread's face of the worker sampler: a Store for useSyncExternalStore. Keeps the last
 * snapshot it received (the same object until a new one arrives) and forwards query changes.
 */

import type { Worker } from 'node:worker_threads';
import { startSamplerWorker } from '../parts.js';
import type { Query, Snapshot, Store } from '../store/store.js';
import type { SamplerInit } from './open.js';
import type { FromWorker, ToWorker } from './worker.js';

const YOUNG_GEN_MB = Number(process.env.TCPTALLY_YOUNG_MB ?? 2);

export class WorkerStore implements Store {
  private readonly worker: Worker;
  private snapshot: Snapshot | null = null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly errorListeners = new Set<(e: Error) => void>();
  private closed = false;

  constructor(init: SamplerInit) {
    // a small young generation: each sample's garbage (decoded datagrams, rows) is collected at once
    // instead of piling up between scavenges (RSS at 100k sockets)
    this.worker = startSamplerWorker({
      workerData: init,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GEN_MB },
    });
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'snapshot') {
        // a log left out is the last one received (see worker.ts)
        const snap = m.sameLog && this.snapshot ? { ...m.snap, alerts: { ...m.snap.alerts, log: this.snapshot.alerts.log } } : m.snap;
        this.snapshot = snap;
        for (const fn of this.listeners) fn(snap);
      } else this.fail(new Error(m.message));
    });
    this.worker.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    if (this.closed) return;
    for (const fn of this.errorListeners) fn(err);
  }

  private send(m: ToWorker): void {
    if (!this.closed) this.worker.postMessage(m);
  }

  subscribe = (fn: (s: Snapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): Snapshot | null => this.snapshot;

  onError(fn: (e: Error) => void): () => void {
    this.errorListeners.add(fn);
    return () => this.errorListeners.delete(fn);
  }

  setQuery(query: Partial<Query>): void {
    this.send({ type: 'query', query });
  }

  start(): void {
    this.send({ type: 'start' });
  }

  /** Asks the worker to close its source and end; resolves when it has (terminated after 1 s at most). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.send({ type: 'close' });
    this.closed = true;
    return new Promise<void>((resolve) => {
      // a native addon (netlink) must be closed inside its thread before the thread goes away
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 1000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
