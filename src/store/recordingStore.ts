/**
 * A Store that records what another Store publishes (--record beside the dashboard): every new sample
 * goes to the RecordingWriter; a write that fails (disk full, permission) is the store's error, which
 * ends the dashboard with its one-line message. Everything else is the inner store's.
 */

import type { RecordingWriter } from './recordingFile.js';
import type { Query, Snapshot, Store } from './store.js';

export class RecordingStore implements Store {
  private readonly errorListeners = new Set<(e: Error) => void>();
  private off: (() => void) | null = null;

  constructor(private readonly inner: Store, private readonly writer: RecordingWriter) {}

  subscribe = (fn: (s: Snapshot) => void): (() => void) => this.inner.subscribe(fn);

  getSnapshot = (): Snapshot | null => this.inner.getSnapshot();

  setQuery(q: Partial<Query>): void {
    this.inner.setQuery(q);
  }

  onError(fn: (e: Error) => void): () => void {
    this.errorListeners.add(fn);
    const offInner = this.inner.onError(fn);
    return () => {
      this.errorListeners.delete(fn);
      offInner();
    };
  }

  start(): void {
    this.off ??= this.inner.subscribe((s) => {
      try {
        this.writer.write(s);
      } catch (err) {
        this.off?.();
        for (const fn of this.errorListeners) fn(err as Error);
      }
    });
    this.inner.start();
  }

  close(): void | Promise<void> {
    this.off?.();
    this.writer.close();
    return this.inner.close();
  }
}
