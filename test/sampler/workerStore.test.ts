/** The sampler in a worker thread, over real sockets: what it posts, and every query field reaching it. */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseFilter } from '../../src/model/filter.js';
import { WorkerStore } from '../../src/sampler/workerStore.js';
import type { Snapshot } from '../../src/store/store.js';
import { SocketFarm, type Host } from '../helpers/sockets.js';

// an address of this file's own (all of 127/8 is on lo), so no other test's sockets are counted
const HOST = '127.0.79.1' as Host;

function next(store: WorkerStore, pred: (s: Snapshot) => boolean): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no such snapshot in 10 s')), 10_000);
    const off = store.subscribe((s) => {
      if (!pred(s)) return;
      clearTimeout(t);
      off();
      resolve(s);
    });
  });
}

const farm = new SocketFarm();
const ports: number[] = [];
// this run's own sockets only: an earlier run's TIME_WAIT on the same address lives on for 60 s
let FILTER = '';
before(async () => {
  // three listeners; 5, 3 and 1 connections to them: 9 ESTABLISHED pairs, 18 ESTABLISHED sockets
  for (const n of [5, 3, 1]) {
    const p = await farm.listen(HOST);
    ports.push(p);
    await farm.established(HOST, p, n);
  }
  FILTER = ports.map((p) => `(src ${HOST} and sport = ${p}) or (dst ${HOST} and dport = ${p})`).join(' or ');
});
after(() => farm.closeAll());

test('the worker counts real sockets and takes every query change', async () => {
  const store = new WorkerStore({ source: 'auto', historySeconds: 60, query: { intervalMs: 200, filterText: FILTER, filter: parseFilter(FILTER), top: 2 } });
  try {
    const first = next(store, () => true);
    store.start();
    const a = await first;
    assert.equal(a.filter, FILTER);
    assert.equal(a.tally.total, 3 + 18, '3 listeners and 18 ESTABLISHED sockets on the address');
    assert.equal(a.tally.states[10], 3);
    assert.equal(a.tally.states[1], 18);
    // a listener and its accepted sockets count "in"; the clients' ends count "out" under the same port
    assert.equal(a.tally.portCount, 6);
    assert.equal(a.tally.ports.length, 2, 'top N travels to the worker');
    assert.deepEqual(a.tally.ports.map((p) => [p.port, p.direction, p.total]), [[ports[0], 'in', 6], [ports[0], 'out', 5]]);
    assert.equal(store.getSnapshot(), a, 'the store hands out the last snapshot as is');

    const listen = `(${FILTER}) and listen`;
    const b = await Promise.all([next(store, (s) => s.filter === listen), store.setQuery({ filterText: listen, filter: parseFilter(listen) })]).then(([s]) => s);
    assert.equal(b.tally.total, 3, 'only the LISTEN sockets counted');

    const asc = await Promise.all([next(store, (s) => s.ascending), store.setQuery({ filterText: FILTER, filter: parseFilter(FILTER), ascending: true })]).then(([s]) => s);
    assert.deepEqual(asc.tally.ports.map((p) => [p.port, p.direction]), [[ports[2], 'out'], [ports[2], 'in']], 'sorted in the worker, ascending by total');

    const focus = { port: ports[1], direction: 'in' as const };
    const drilled = await Promise.all([next(store, (s) => s.tally.peerPortCount === 3), store.setQuery({ focus, ascending: false })]).then(([s]) => s);
    assert.equal(drilled.tally.peerCount, 1, 'the drill-down counts the one peer host of that port');

    const trend = await Promise.all([next(store, (s) => s.trend.series === 10 && s.trend.values.length >= 2), store.setQuery({ trendSeries: 10, trendPoints: 2, focus: null })]).then(([s]) => s);
    assert.deepEqual(trend.trend.values, [3, 3], 'two points of the LISTEN series');

    const slower = next(store, (s) => s.intervalMs === 500);
    store.setQuery({ intervalMs: 500 });
    assert.equal((await slower).intervalMs, 500);
  } finally {
    await store.close();
  }
});

test('a worker that cannot open its source reports an error', async () => {
  const store = new WorkerStore({ source: 'proc', pid: 4_194_000, historySeconds: 60, query: { intervalMs: 1000 } });
  const err = await new Promise<Error>((resolve) => store.onError(resolve));
  await store.close();
  assert.match(err.message, /no such process: 4194000/);
});
