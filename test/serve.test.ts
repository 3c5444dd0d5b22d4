/**
 * The exporter's HTTP side over a store the test drives (no sampler, no kernel): what a scrape gets
 * before the first sample, after each one, on errors and other paths; that scrapes never touch the
 * store; a busy address; close. Listens on 127.0.93.1:19306 (this file's own).
 */

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { TCP } from '../src/model/states.js';
import { Exporter, ServeError } from '../src/serve.js';
import type { Snapshot, Store } from '../src/store/store.js';
import { snapshotOf } from './helpers/snapshot.js';

const HOST = '127.0.93.1';
const PORT = 19306;
const URL_ = `http://${HOST}:${PORT}/metrics`;

/** A store that publishes what the test gives it and logs every call made to it. */
class DrivenStore implements Store {
  calls: string[] = [];
  private snap: Snapshot | null = null;
  private subs = new Set<(s: Snapshot) => void>();
  private errs = new Set<(e: Error) => void>();
  subscribe(fn: (s: Snapshot) => void) { this.calls.push('subscribe'); this.subs.add(fn); return () => this.subs.delete(fn); }
  getSnapshot = () => this.snap;
  setQuery() { this.calls.push('setQuery'); }
  onError(fn: (e: Error) => void) { this.errs.add(fn); return () => this.errs.delete(fn); }
  start() { this.calls.push('start'); }
  close() { this.calls.push('close'); }
  publish(s: Snapshot) { this.snap = s; for (const fn of this.subs) fn(s); }
  fail(e: Error) { for (const fn of this.errs) fn(e); }
}

const snap = (seq: number, closeWait: number) => snapshotOf(
  Array.from({ length: closeWait }, (_, i) => ({ family: 4 as const, state: TCP.CLOSE_WAIT, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40000 + i })),
  { seq },
);

const get = async (method = 'GET', url = URL_) => {
  const r = await fetch(url, { method, signal: AbortSignal.timeout(5000) });
  return { status: r.status, headers: r.headers, body: await r.text() };
};

const store = new DrivenStore();
let exporter: Exporter | null = null;
after(() => exporter?.close());

test('before the first sample 503; then each sample rendered once, the same text for every scrape; scrapes never call the store', async () => {
  exporter = await Exporter.open({ address: { host: HOST, port: PORT }, topPorts: 5, version: '9.9.9', store });
  assert.deepEqual(store.calls, ['start']);
  const early = await get();
  assert.equal(early.status, 503);
  assert.equal(early.headers.get('retry-after'), '1');
  assert.equal(early.body, 'tcptally: no sample yet\n');

  store.publish(snap(1, 3));
  const bodies = await Promise.all(Array.from({ length: 20 }, () => get()));
  assert.ok(bodies.every((b) => b.status === 200));
  assert.equal(new Set(bodies.map((b) => b.body)).size, 1);
  assert.match(bodies[0].body, /^tcptally_samples_total 1$/m);
  assert.match(bodies[0].body, /^node_tcp_connection_states\{state="close_wait"\} 3$/m);
  assert.match(bodies[0].body, /^tcptally_port_connection_states\{port="40000",direction="out",state="close_wait"\} 1$/m);
  assert.equal(bodies[0].headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');

  store.publish(snap(2, 5));
  const next = await get();
  assert.match(next.body, /^tcptally_samples_total 2$/m);
  assert.match(next.body, /^node_tcp_connection_states\{state="close_wait"\} 5$/m);
  assert.deepEqual(store.calls, ['start'], 'no scrape asked the store for anything');

  const head = await get('HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(next.body));
});

test('other paths 404, other methods 405 with Allow; a query string is ignored', async () => {
  assert.equal((await get('GET', `http://${HOST}:${PORT}/`)).status, 404);
  assert.equal((await get('GET', `http://${HOST}:${PORT}/metrics/`)).status, 404);
  const post = await get('POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.equal((await get('GET', `${URL_}?name[]=node_tcp_connection_states`)).status, 200);
});

test('the address in use: a ServeError naming it, and the store of the one that failed is closed', async () => {
  const other = new DrivenStore();
  await assert.rejects(
    Exporter.open({ address: { host: HOST, port: PORT }, topPorts: 5, version: '9.9.9', store: other }),
    (e: unknown) => e instanceof ServeError && e.message === `cannot listen on ${HOST}:${PORT}: address in use`,
  );
  assert.deepEqual(other.calls, ['close']);
});

test('a failed sampler: 503 with its message; close() stops listening and closes the store', async () => {
  store.fail(new Error('cannot read /proc/net/tcp: permission denied'));
  const r = await get();
  assert.equal(r.status, 503);
  assert.equal(r.body, 'tcptally: cannot read /proc/net/tcp: permission denied\n');
  await exporter!.close();
  assert.equal(store.calls.at(-1), 'close');
  await assert.rejects(get());
});
