/**
 * src/store/recordingStore.ts: what the inner store publishes is recorded, one line per sample; a write
 * that fails mid-run (here: the directory is gone when the file must rotate) becomes the store's error,
 * once, and recording stops; the reader still gets its snapshots.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SocketRecord } from '../../src/model/table.js';
import { RecordingWriter } from '../../src/store/recordingFile.js';
import { RecordingStore } from '../../src/store/recordingStore.js';
import type { Query, Snapshot, Store } from '../../src/store/store.js';
import { snapshotOf } from '../helpers/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'tcptally-recstore-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A store that publishes what the test hands it. */
class HandStore implements Store {
  private readonly fns = new Set<(s: Snapshot) => void>();
  last: Snapshot | null = null;
  started = false;
  closed = false;
  queries: Partial<Query>[] = [];
  publish(s: Snapshot) {
    this.last = s;
    for (const fn of this.fns) fn(s);
  }
  subscribe = (fn: (s: Snapshot) => void) => {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  };
  getSnapshot = () => this.last;
  setQuery(q: Partial<Query>) {
    this.queries.push(q);
  }
  onError() {
    return () => {};
  }
  start() {
    this.started = true;
  }
  close() {
    this.closed = true;
  }
}

const tw = (n: number): SocketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ family: 4, state: 6, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 5432 }));

test('records each new sample of the inner store; a failed write is one error and recording stops', () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  const path = join(sub, 'rec.ndjson');
  const inner = new HandStore();
  const store = new RecordingStore(inner, new RecordingWriter({ path, maxBytes: 1024, host: 'h', version: '0' }));
  const errors: string[] = [];
  store.onError((e) => errors.push(e.message));
  const seen: number[] = [];
  store.subscribe((s) => seen.push(s.seq));
  store.start();
  assert.equal(inner.started, true);
  inner.publish(snapshotOf(tw(2), { seq: 1 }));
  inner.publish(snapshotOf(tw(2), { seq: 1, sortBy: 6 })); // a re-count: not a new line
  assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, 2);
  rmSync(sub, { recursive: true }); // the next sample must rotate (1 KB): the rename fails
  inner.publish(snapshotOf(tw(30), { seq: 2 }));
  inner.publish(snapshotOf(tw(30), { seq: 3 }));
  assert.deepEqual(errors, [`cannot rotate ${path}: not found`]);
  assert.deepEqual(seen, [1, 1, 2, 3]);
  store.setQuery({ sortBy: 6 });
  assert.deepEqual(inner.queries, [{ sortBy: 6 }]);
  store.close();
  assert.equal(inner.closed, true);
});
