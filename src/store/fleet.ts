/**
 * Several remote hosts (--ssh A,B,…) as one thing the fleet view reads: a row per host (its link and
 * its latest snapshot), a new immutable FleetSnapshot whenever any host's data or link changes.
 * Starting and closing it starts and closes every host.
 */

import type { RemoteHost } from './remote.js';
import type { RemoteLink, Snapshot } from './store.js';

export interface FleetRow {
  host: string;
  link: RemoteLink;
  /** Its latest snapshot (null before the first sample). */
  snap: Snapshot | null;
}

export interface FleetSnapshot {
  rows: FleetRow[];
}

export class FleetStore {
  private snapshot: FleetSnapshot;
  private readonly listeners = new Set<(f: FleetSnapshot) => void>();
  private readonly offs: (() => void)[] = [];

  constructor(readonly hosts: readonly RemoteHost[]) {
    this.snapshot = this.build();
    for (const h of hosts) {
      this.offs.push(h.subscribe(() => this.changed()), h.onLink(() => this.changed()));
    }
  }

  private build(): FleetSnapshot {
    return { rows: this.hosts.map((h) => ({ host: h.host, link: h.getLink(), snap: h.getSnapshot() })) };
  }

  private changed(): void {
    this.snapshot = this.build();
    for (const fn of this.listeners) fn(this.snapshot);
  }

  getSnapshot = (): FleetSnapshot => this.snapshot;

  subscribe = (fn: (f: FleetSnapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Remote hosts never end the dashboard: a failure is a host's link down, shown in its row. */
  onError(_fn: (e: Error) => void): () => void {
    return () => {};
  }

  start(): void {
    for (const h of this.hosts) h.start();
  }

  close(): void {
    for (const off of this.offs) off();
    for (const h of this.hosts) h.close();
  }
}
