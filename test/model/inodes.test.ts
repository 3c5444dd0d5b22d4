import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { InodeOwners, U32Map } from '../../src/model/inodes.js';

test('U32Map agrees with a Map through sets, deletes (backward shift), growth and clear', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('set', 'set', 'delete'), fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 0xffffffff })), fc.integer({ min: -5, max: 5 })), { maxLength: 400 }),
      (ops) => {
        const m = new U32Map(4);
        const ref = new Map<number, number>();
        for (const [op, k, v] of ops) {
          if (op === 'set') { m.set(k, v); ref.set(k, v); } else assert.equal(m.delete(k), ref.delete(k));
          assert.equal(m.size, ref.size);
        }
        for (const [k, v] of ref) assert.equal(m.get(k, 99), v);
        for (const [, k] of ops) if (!ref.has(k)) { assert.equal(m.has(k), false); assert.equal(m.get(k, 99), 99); }
        const seen = new Map<number, number>();
        m.forEach((k, v) => seen.set(k, v));
        assert.deepEqual([...seen].sort((a, b) => a[0] - b[0]), [...ref].sort((a, b) => a[0] - b[0]));
        m.clear();
        assert.equal(m.size, 0);
        for (const k of ref.keys()) assert.equal(m.has(k), false);
      },
    ),
    { numRuns: 1000 },
  );
});

test('U32Map: deleting from the middle of collision runs keeps every other key reachable', () => {
  // pseudo-random keys (a fixed LCG) at the table's highest load, deleted in a shuffled order, every key
  // checked after each deletion
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let checked = 0;
  for (let round = 0; round < 40; round++) {
    const n = 8 + (round % 5) * 16; // 8, 24, 40, 56, 72 keys: each right at a growth threshold
    const keys = [...new Set(Array.from({ length: n }, () => rnd() || 1))];
    const m = new U32Map(4);
    keys.forEach((k, i) => m.set(k, i));
    const del = [...keys].sort(() => (rnd() & 1 ? 1 : -1));
    const left = new Set(keys);
    for (const k of del) {
      assert.ok(m.delete(k));
      left.delete(k);
      keys.forEach((x, i) => { assert.equal(m.get(x, -1), left.has(x) ? i : -1, `${x} after deleting ${k}`); checked++; });
    }
    assert.equal(m.size, 0);
  }
  assert.ok(checked > 10_000);
});

test('U32Map: key 0 is reserved (inode 0 = no socket)', () => {
  const m = new U32Map();
  assert.throws(() => m.set(0, 1), RangeError);
  assert.equal(m.has(0), false);
  assert.equal(m.get(0, -7), -7);
});

test('U32Map: 200k keys colliding in their low bits', () => {
  const m = new U32Map(16);
  for (let i = 1; i <= 200_000; i++) m.set(i << 12, i);
  assert.equal(m.size, 200_000);
  for (let i = 1; i <= 200_000; i += 2) assert.ok(m.delete(i << 12));
  assert.equal(m.size, 100_000);
  for (let i = 1; i <= 200_000; i++) assert.equal(m.get(i << 12, -1), i % 2 === 0 ? i : -1);
});

test('InodeOwners: one owner inline, shared sockets list every pid ascending, removal back to one', () => {
  const o = new InodeOwners();
  o.add(100, 7);
  o.add(100, 7); // the same pid twice (two fds of one process)
  assert.deepEqual(o.owners(100), [7]);
  o.add(100, 3);
  o.add(100, 9);
  assert.deepEqual(o.owners(100), [3, 7, 9]);
  o.add(200, 5);
  o.add(200, 6);
  assert.deepEqual(o.owners(200), [5, 6]);
  o.remove(100, 7);
  assert.deepEqual(o.owners(100), [3, 9]);
  o.remove(100, 42); // not an owner: nothing happens
  assert.deepEqual(o.owners(100), [3, 9]);
  o.remove(100, 3);
  assert.deepEqual(o.owners(100), [9]);
  o.add(300, 1);
  o.add(300, 2); // reuses the freed list
  assert.deepEqual(o.owners(300), [1, 2]);
  assert.deepEqual(o.owners(200), [5, 6]);
  o.remove(100, 9);
  assert.equal(o.owners(100), null);
  assert.equal(o.has(100), false);
  assert.equal(o.size, 2);
  const got = o.owners(300) as number[];
  got.push(99); // a copy: the caller cannot change the index
  assert.deepEqual(o.owners(300), [1, 2]);
});
