import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { fillOf, isHigh, listListeners, type ListenerRow } from '../../src/model/listeners.js';
import { tableOf } from '../../src/model/records.js';
import { QUEUE_UNKNOWN, type SocketRecord } from '../../src/model/table.js';

const L = 10, SR = 3, E = 1;
const U = QUEUE_UNKNOWN;
const listen = (laddr: string, lport: number, rqueue: number, wqueue: number, extra: Partial<SocketRecord> = {}): SocketRecord =>
  ({ family: laddr.includes(':') ? 6 : 4, state: L, laddr, lport, raddr: laddr.includes(':') ? '::' : '0.0.0.0', rport: 0, rqueue, wqueue, ...extra });
const synRecv = (laddr: string, lport: number, rport: number): SocketRecord =>
  ({ family: laddr.includes(':') ? 6 : 4, state: SR, laddr, lport, raddr: laddr.includes(':') ? '::ffff:10.9.9.9' : '10.9.9.9', rport });

const key = (r: ListenerRow) => `${r.address}:${r.port}`;

test('each LISTEN row: queue, backlog, fill; at >= 80 % first, then fullest, then port', () => {
  const { rows, count, maxFill } = listListeners(tableOf([
    listen('0.0.0.0', 80, 10, 100, { inode: 11 }),  // 10 %
    listen('127.0.0.1', 5432, 3, 2),               // full: backlog + 1 = 150 %
    listen('::', 443, 0, 4096),                    // 0 %
    listen('10.0.0.1', 22, 8, 10),                 // exactly 80 %
    listen('10.0.0.1', 21, 7, 10),                 // 70 %: not high
    { family: 4, state: E, laddr: '10.0.0.1', lport: 22, raddr: '10.0.0.7', rport: 40000, rqueue: 5, wqueue: 99 },
  ]));
  assert.equal(count, 5);
  assert.deepEqual(rows.map(key), ['127.0.0.1:5432', '10.0.0.1:22', '10.0.0.1:21', '0.0.0.0:80', ':::443']);
  assert.deepEqual(rows.map((r) => [r.acceptQueue, r.backlog, r.fill, isHigh(r)]),
    [[3, 2, 150, true], [8, 10, 80, true], [7, 10, 70, false], [10, 100, 10, false], [0, 4096, 0, false]]);
  assert.equal(maxFill, 150);
  assert.equal(rows[3].inode, 11);
  assert.deepEqual(rows.map((r) => r.family), [4, 4, 4, 4, 6]);
  assert.equal(rows[0].owners, undefined, 'no owner lookup: no owners field');
});

test('a backlog of 0 still holds one: fill against 1; /proc (backlog unknown) has no fill and sorts after known fills', () => {
  const { rows, maxFill } = listListeners(tableOf([
    listen('127.0.0.1', 9000, 40, U),              // /proc: queue only
    listen('127.0.0.1', 9001, 1, 0),
    listen('127.0.0.1', 9002, 0, 128),
    listen('127.0.0.1', 9003, U, U),               // systeminformation: nothing
  ]));
  assert.deepEqual(rows.map((r) => [r.port, r.acceptQueue, r.backlog, r.fill]),
    [[9001, 1, 0, 100], [9002, 0, 128, 0], [9000, 40, null, null], [9003, null, null, null]]);
  assert.equal(maxFill, 100);
  assert.equal(listListeners(tableOf([listen('127.0.0.1', 9000, 40, U)])).maxFill, null);
  assert.equal(fillOf(5, null), null);
  assert.equal(fillOf(null, 5), null);
});

test('SYN_RECV counts under the listener of its address, else the wildcard of its port, else the port\'s first', () => {
  const { rows } = listListeners(tableOf([
    listen('127.0.0.1', 8080, 0, 128),
    listen('0.0.0.0', 8080, 0, 128),
    listen('::', 8443, 0, 128),
    listen('10.0.0.1', 7000, 0, 128),
    synRecv('127.0.0.1', 8080, 1),
    synRecv('127.0.0.1', 8080, 2),
    synRecv('10.0.0.5', 8080, 3),        // no listener on 10.0.0.5: the wildcard's
    synRecv('::ffff:10.0.0.1', 8443, 4), // IPv4 on a dual-stack listener
    synRecv('10.0.0.2', 7000, 5),        // no exact, no wildcard: the port's only listener
    synRecv('10.0.0.2', 6000, 6),        // no listener on 6000 at all: nowhere
  ]));
  const by = Object.fromEntries(rows.map((r) => [key(r), r.synRecv]));
  assert.deepEqual(by, { '127.0.0.1:8080': 2, '0.0.0.0:8080': 1, ':::8443': 1, '10.0.0.1:7000': 1 });
});

test('an IPv4-mapped listener matches IPv4 SYN_RECV of its address', () => {
  const { rows } = listListeners(tableOf([
    listen('::ffff:127.0.0.1', 8080, 0, 8),
    listen('0.0.0.0', 8080, 0, 8),
    synRecv('127.0.0.1', 8080, 1),
  ]));
  assert.deepEqual(rows.map((r) => [key(r), r.synRecv]), [['0.0.0.0:8080', 0], ['::ffff:127.0.0.1:8080', 1]]);
});

test('the filter picks listeners (their SYN_RECV stays theirs); top cuts the rows, not count or maxFill; netns picks a namespace', () => {
  const recs: SocketRecord[] = [
    listen('127.0.0.1', 8080, 0, 10),
    listen('127.0.0.2', 8080, 9, 10),
    listen('127.0.0.2', 9090, 1, 10),
    synRecv('127.0.0.1', 8080, 1),
  ];
  const t = tableOf(recs);
  const f = listListeners(t, { filter: compileFilter(parseFilter('listen and src 127.0.0.1')) });
  assert.deepEqual(f.rows.map((r) => [key(r), r.synRecv]), [['127.0.0.1:8080', 1]]);
  const top = listListeners(t, { top: 1 });
  assert.deepEqual([top.rows.map(key), top.count, top.maxFill], [['127.0.0.2:8080'], 3, 90]);
  t.netns[1] = 2; // the second listener lives in namespace 2
  assert.deepEqual(listListeners(t, { netns: 2 }).rows.map(key), ['127.0.0.2:8080']);
  assert.deepEqual(listListeners(t, { netns: 0 }).rows.map(key), ['127.0.0.2:9090', '127.0.0.1:8080']);
  // a SYN_RECV in namespace 0 never counts under namespace 2's listener of the same port
  const all = listListeners(t);
  assert.deepEqual(all.rows.map((r) => [key(r), r.netns, r.synRecv]), [['127.0.0.2:8080', 2, 0], ['127.0.0.2:9090', 0, 0], ['127.0.0.1:8080', 0, 1]]);
});

test('owners: what the lookup says for the listener\'s inode', () => {
  const t = tableOf([listen('0.0.0.0', 80, 0, 10, { inode: 7 }), listen('0.0.0.0', 81, 0, 10, { inode: 8 })]);
  const { rows } = listListeners(t, { owners: (inode) => (inode === 7 ? [100, 200] : 'unreadable') });
  assert.deepEqual(rows.map((r) => r.owners), [[100, 200], 'unreadable']);
});

test('no listeners: empty, count 0, maxFill null', () => {
  assert.deepEqual(listListeners(tableOf([synRecv('127.0.0.1', 80, 1)])), { rows: [], count: 0, maxFill: null });
});
