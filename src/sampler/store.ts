import type { FilterNode } from '../model/filter.js';
import type { Snapshot, ViewParams } from './sampler.js';

/**
 * What the dashboard needs from a sampler, in-process or in a worker thread: an external store for
 * useSyncExternalStore (the same Snapshot object until data changes) and the knobs keys turn.
 */
export interface SnapshotStore {
  subscribe(fn: (s: Snapshot) => void): () => void;
  getSnapshot(): Snapshot | null;
  setFilter(text: string | null, node: FilterNode | null): void;
  setView(view: Partial<ViewParams>): void;
  setIntervalMs(ms: number): void;
  onError(fn: (e: Error) => void): () => void;
  start(): void;
  /** Stops sampling and releases the source; a worker store resolves once its thread has ended. */
  close(): void | Promise<void>;
}
