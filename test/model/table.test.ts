import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SocketTable } from '../../src/model/table.js';

test('netns column: add() writes 0 (or what it is given), kept through growth; append() tags rows and grows', () => {
  const t = new SocketTable(2);
  t.add(4, 1, 80, 40000, 7);
  t.add(4, 10, 22, 0, 8, 5);
  t.add(6, 6, 443, 50000); // grows 2 → 4
  assert.deepEqual([...t.netns.subarray(0, 3)], [0, 5, 0]);
  assert.deepEqual([...t.inode.subarray(0, 3)], [7, 8, 0]);

  const s = new SocketTable(8);
  for (let k = 0; k < 5; k++) {
    const i = s.add(6, 8, 1000 + k, 2000 + k, 100 + k);
    s.laddr[i * 4 + 3] = 1;
    s.raddr[i * 4] = 0x20010db8;
  }
  t.append(s, 3); // 3 + 5 rows into capacity 4: grows
  assert.equal(t.n, 8);
  assert.deepEqual([...t.netns.subarray(0, 8)], [0, 5, 0, 3, 3, 3, 3, 3]);
  assert.deepEqual([...t.lport.subarray(0, 8)], [80, 22, 443, 1000, 1001, 1002, 1003, 1004]);
  assert.deepEqual([...t.rport.subarray(3, 8)], [2000, 2001, 2002, 2003, 2004]);
  assert.deepEqual([...t.state.subarray(3, 8)], [8, 8, 8, 8, 8]);
  assert.deepEqual([...t.family.subarray(3, 8)], [6, 6, 6, 6, 6]);
  assert.deepEqual([...t.inode.subarray(3, 8)], [100, 101, 102, 103, 104]);
  assert.deepEqual([...t.laddr.subarray(12, 16)], [0, 0, 0, 1]);
  assert.deepEqual([...t.raddr.subarray(28, 32)], [0x20010db8, 0, 0, 0]);

  t.clear();
  t.add(4, 1, 1, 2);
  t.add(4, 1, 1, 3);
  assert.equal(t.netns[1], 0); // a reused slot is rewritten, not left at 5
  t.append(new SocketTable(1), 9); // an empty table appends nothing
  assert.equal(t.n, 2);
});

test('queue columns: add() zeroes them, growth and append() keep them', () => {
  const t = new SocketTable(1);
  const a = t.add(4, 10, 80, 0);
  t.rqueue[a] = 3;
  t.wqueue[a] = 2;
  const b = t.add(4, 10, 81, 0); // grows 1 → 2
  t.wqueue[b] = 0xffffffff;
  t.add(4, 1, 82, 9); // grows 2 → 4
  assert.deepEqual([...t.rqueue.subarray(0, 3)], [3, 0, 0]);
  assert.deepEqual([...t.wqueue.subarray(0, 3)], [2, 0xffffffff, 0]);
  const u = new SocketTable(1);
  u.add(6, 10, 1, 0);
  u.append(t, 4); // grows to take 3 more
  assert.deepEqual([...u.rqueue.subarray(0, 4)], [0, 3, 0, 0]);
  assert.deepEqual([...u.wqueue.subarray(0, 4)], [0, 2, 0xffffffff, 0]);
  t.clear();
  t.add(4, 10, 1, 0);
  assert.deepEqual([t.rqueue[0], t.wqueue[0]], [0, 0], 'a reused slot is zeroed');
});
