import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../../src/model/filter.js';
import type { Snapshot } from '../../src/sampler/sampler.js';
import { WorkerStore } from '../../src/sampler/workerStore.js';

function next(store: WorkerStore, pred: (s: Snapshot) => boolean = () => true): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no snapshot in 10 s')), 10_000);
    const off = store.subscribe((s) => {
      if (!pred(s)) return;
      clearTimeout(t);
      off();
      resolve(s);
    });
  });
}

test('the worker sampler posts snapshots and takes filter, view and interval', async () => {
  const store = new WorkerStore({ source: 'proc', intervalMs: 200, historySeconds: 60, filterText: null, filter: null, view: { top: 5 } });
  try {
    const first = next(store);
    store.start();
    const a = await first;
    assert.equal(a.source, 'proc');
    assert.equal(a.filter, null);
    assert.ok(a.tally.ports.length <= 5, 'top N travels to the worker');
    assert.equal(store.getSnapshot(), a, 'the store hands out the last snapshot as is');
    const filtered = next(store, (s) => s.filter === 'listen');
    store.setFilter('listen', parseFilter('listen'));
    const b = await filtered;
    assert.equal(b.tally.total, b.tally.states[10], 'only LISTEN sockets counted');
    const slower = next(store, (s) => s.intervalMs === 500);
    store.setIntervalMs(500);
    assert.equal((await slower).intervalMs, 500);
  } finally {
    await store.close();
  }
});

test('a worker that cannot open its source reports an error', async () => {
  const store = new WorkerStore({ source: 'proc', pid: 4_194_000, intervalMs: 1000, historySeconds: 60, filterText: null, filter: null, view: {} });
  const err = await new Promise<Error>((resolve) => store.onError(resolve));
  await store.close();
  assert.match(err.message, /no such process: 4194000/);
});
