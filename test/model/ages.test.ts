import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SocketAges } from '../../src/model/ages.js';
import { tableOf } from '../../src/model/records.js';
import type { SocketRecord } from '../../src/model/table.js';

const estab = (lport: number, inode: number): SocketRecord => ({ family: 4, state: 1, laddr: '10.0.0.1', lport, raddr: '10.0.0.2', rport: 80, inode });
const tw = (lport: number): SocketRecord => ({ family: 4, state: 6, laddr: '10.0.0.1', lport, raddr: '10.0.0.2', rport: 80, inode: 0 });

const agesOf = (a: SocketAges, records: SocketRecord[], now: number) => {
  a.update(tableOf(records), now);
  return records.map((_, i) => a.firstSeen[i]);
};

test('a socket keeps the time it was first seen; a new one gets the sample time', () => {
  const a = new SocketAges();
  assert.deepEqual(agesOf(a, [estab(1, 101), estab(2, 102)], 1000), [1000, 1000]);
  assert.equal(a.since, 1000);
  // order in the table does not matter: identity is the inode
  assert.deepEqual(agesOf(a, [estab(3, 103), estab(2, 102), estab(1, 101)], 2000), [2000, 1000, 1000]);
  assert.deepEqual(agesOf(a, [estab(1, 101), estab(3, 103)], 3000), [1000, 2000]);
});

test('a socket that went away is forgotten: seen again later, it is new', () => {
  const a = new SocketAges();
  agesOf(a, [estab(1, 101), estab(2, 102)], 1000);
  agesOf(a, [estab(1, 101)], 2000);
  assert.deepEqual(agesOf(a, [estab(1, 101), estab(2, 102)], 3000), [1000, 3000]);
});

test('sockets without an inode (TIME_WAIT, orphans) are known by their 4-tuple', () => {
  const a = new SocketAges();
  agesOf(a, [tw(5000), tw(5001)], 1000);
  assert.deepEqual(agesOf(a, [tw(5001), tw(5002), tw(5000)], 2000), [1000, 2000, 1000]);
  // the same 4-tuple with an inode is another socket
  assert.deepEqual(agesOf(a, [estab(5000, 777)], 3000), [3000]);
});

test('memory is the sockets of the last sample, whatever the churn', () => {
  const a = new SocketAges();
  for (let s = 0; s < 300; s++) {
    const recs = Array.from({ length: 50 }, (_, i) => estab(10_000 + ((s * 7 + i) % 40_000), s * 100 + i + 1));
    a.update(tableOf(recs), 1000 * (s + 1));
  }
  assert.equal(a.size, 50);
});

test('only the states asked for are tracked: others get 0 and take no memory', () => {
  const a = new SocketAges([1]);
  assert.deepEqual(agesOf(a, [estab(1, 101), tw(5000), estab(2, 102)], 1000), [1000, 0, 1000]);
  assert.equal(a.size, 2);
  assert.deepEqual(agesOf(a, [tw(5000), estab(2, 102)], 2000), [0, 1000]);
});
