/**
 * src/model/headroom.ts: per-destination use of the ephemeral range, on hand-written socket tables; the
 * expected counts are counted by hand from the records.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillPercent, HeadroomCounter } from '../../src/model/headroom.js';
import { tableOf } from '../../src/model/records.js';
import { TCP } from '../../src/model/states.js';
import type { PortSettings } from '../../src/model/sysctl.js';
import type { SocketRecord } from '../../src/model/table.js';

const SETTINGS: PortSettings = { range: [40000, 40099], reserved: [], twReuse: 2, finTimeout: 60 };

const sock = (state: number, laddr: string, lport: number, raddr: string, rport: number, family: 4 | 6 = 4): SocketRecord =>
  ({ family, state, laddr, lport, raddr, rport });

/** `k` client sockets from laddr to raddr:rport on ports 40000 + from … in the given states, round robin. */
function clients(k: number, laddr: string, raddr: string, rport: number, from = 0, states: number[] = [TCP.ESTABLISHED], family: 4 | 6 = 4): SocketRecord[] {
  return Array.from({ length: k }, (_, i) => sock(states[i % states.length], laddr, 40000 + from + i, raddr, rport, family));
}

test('counts per (local address, remote address, remote port), every state but LISTEN, against the range', () => {
  const t = tableOf([
    ...clients(6, '10.0.0.1', '10.0.0.9', 5432, 0, [TCP.ESTABLISHED, TCP.TIME_WAIT, TCP.SYN_SENT]),
    // the same local ports towards another destination port: its own pool
    ...clients(3, '10.0.0.1', '10.0.0.9', 6379, 0, [TCP.FIN_WAIT1, TCP.CLOSE_WAIT, TCP.LAST_ACK]),
    // another local address to the same destination: its own pool too
    ...clients(2, '10.0.0.2', '10.0.0.9', 5432, 0),
    sock(TCP.LISTEN, '0.0.0.0', 40090, '0.0.0.0', 0), // a listener in the range: not a destination
    sock(TCP.ESTABLISHED, '10.0.0.1', 40090, '10.0.0.50', 33333), // accepted on that listener: not ephemeral
    sock(TCP.ESTABLISHED, '10.0.0.1', 39999, '10.0.0.9', 5432), // below the range
    sock(TCP.ESTABLISHED, '10.0.0.1', 40100, '10.0.0.9', 5432), // above the range
    sock(TCP.CLOSE, '10.0.0.1', 40095, '0.0.0.0', 0), // bound, not connected
  ]);
  const h = new HeadroomCounter().count(t, SETTINGS);
  assert.deepEqual(h.rows, [
    { family: 4, local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 6, size: 100 },
    { family: 4, local: '10.0.0.1', remote: '10.0.0.9', port: 6379, used: 3, size: 100 },
    { family: 4, local: '10.0.0.2', remote: '10.0.0.9', port: 5432, used: 2, size: 100 },
  ]);
  assert.equal(h.count, 3);
  assert.deepEqual([h.range, h.size, h.reserved, h.twReuse, h.finTimeout, h.foreign], [[40000, 40099], 100, 0, 2, 60, 0]);
  assert.equal(fillPercent(h.rows[0]), 6);
});

test('reserved ports shrink the size and are not counted as used', () => {
  const t = tableOf(clients(20, '127.0.0.1', '127.0.0.1', 80)); // ports 40000..40019
  const h = new HeadroomCounter().count(t, { ...SETTINGS, reserved: [[40000, 40009], [8080, 8080]] });
  assert.equal(h.size, 90);
  assert.equal(h.reserved, 10);
  assert.deepEqual(h.rows.map((r) => [r.used, r.size]), [[10, 90]]);
});

test('IPv6, and IPv4-mapped sockets counted with IPv4 (one destination for the kernel)', () => {
  const t = tableOf([
    ...clients(3, '::1', '::1', 443, 0, [TCP.ESTABLISHED], 6),
    ...clients(2, '192.0.2.1', '192.0.2.7', 443, 0),
    ...clients(2, '::ffff:192.0.2.1', '::ffff:192.0.2.7', 443, 10, [TCP.ESTABLISHED], 6),
  ]);
  const h = new HeadroomCounter().count(t, SETTINGS);
  assert.deepEqual(h.rows.map((r) => [r.family, r.local, r.remote, r.port, r.used]), [
    [4, '192.0.2.1', '192.0.2.7', 443, 4],
    [6, '::1', '::1', 443, 3],
  ]);
});

test('top N: the fullest, most first, and count says how many there were; counter reused across samples', () => {
  const recs: SocketRecord[] = [];
  // destination port 1000 + d gets d sockets (d = 1..30)
  for (let d = 1; d <= 30; d++) recs.push(...clients(d, '10.1.0.1', '10.2.0.1', 1000 + d));
  const c = new HeadroomCounter();
  const h = c.count(tableOf(recs), SETTINGS, 3);
  assert.deepEqual(h.rows.map((r) => [r.port, r.used]), [[1030, 30], [1029, 29], [1028, 28]]);
  assert.equal(h.count, 30);
  const again = c.count(tableOf(clients(5, '10.1.0.1', '10.2.0.1', 9)), SETTINGS, 3);
  assert.deepEqual(again.rows.map((r) => [r.port, r.used]), [[9, 5]]);
  assert.equal(again.count, 1);
});

test('ties at the cut: exactly N rows, equal counts ordered by address and port', () => {
  const recs = [...clients(2, '10.0.0.1', '10.0.0.3', 7), ...clients(2, '10.0.0.1', '10.0.0.2', 7), ...clients(2, '10.0.0.1', '10.0.0.2', 5), ...clients(9, '10.0.0.1', '10.0.0.4', 1)];
  const h = new HeadroomCounter().count(tableOf(recs), SETTINGS, 3);
  assert.equal(h.rows.length, 3);
  assert.deepEqual(h.rows[0].used, 9);
  assert.ok(h.rows.slice(1).every((r) => r.used === 2));
  const all = new HeadroomCounter().count(tableOf(recs), SETTINGS);
  assert.deepEqual(all.rows.map((r) => `${r.remote}:${r.port}`), ['10.0.0.4:1', '10.0.0.2:5', '10.0.0.2:7', '10.0.0.3:7']);
});

test('many destinations: growth and rehashing keep every count', () => {
  const recs: SocketRecord[] = [];
  // 5000 destinations (remote port 1..5000), 1 to 3 sockets each
  let want = 0;
  for (let d = 1; d <= 5000; d++) {
    const k = 1 + (d % 3);
    want += k;
    recs.push(...clients(k, '10.0.0.1', '10.0.0.2', d));
  }
  const h = new HeadroomCounter().count(tableOf(recs), SETTINGS);
  assert.equal(h.count, 5000);
  assert.equal(h.rows.reduce((a, r) => a + r.used, 0), want);
  assert.equal(h.rows.find((r) => r.port === 4999)!.used, 1 + (4999 % 3));
});

test('other namespaces (--all-netns rows) are not counted: their sysctls are not ours', () => {
  const t = tableOf([...clients(4, '10.0.0.1', '10.0.0.2', 80), ...clients(3, '10.0.0.1', '10.0.0.2', 80, 10)]);
  for (let i = 4; i < 7; i++) t.netns[i] = 1;
  const h = new HeadroomCounter().count(t, SETTINGS);
  assert.deepEqual(h.rows.map((r) => r.used), [4]);
  assert.equal(h.foreign, 3);
});

test('another namespace\'s listener on a port of the range does not hide our client on that port', () => {
  // ours (netns 0): 3 clients on 40000..40002 to 10.0.0.2:80; namespace 1 listens on 40001
  const t = tableOf([...clients(3, '10.0.0.1', '10.0.0.2', 80), sock(TCP.LISTEN, '0.0.0.0', 40001, '0.0.0.0', 0)]);
  t.netns[3] = 1;
  const h = new HeadroomCounter().count(t, SETTINGS);
  assert.deepEqual(h.rows.map((r) => `${r.remote}:${r.port}=${r.used}`), ['10.0.0.2:80=3']);
  assert.equal(h.foreign, 1);
});
