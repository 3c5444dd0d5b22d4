import assert from 'node:assert/strict';
import { test } from 'node:test';
import { History, TOTAL_SERIES } from '../../src/model/history.js';

test('history is a bounded ring: oldest dropped, order kept, stats over the window', () => {
  const h = new History(3);
  const states = (tw: number) => { const a = new Array(12).fill(0); a[6] = tw; return a; };
  h.push(0, 1, states(1));
  h.push(1000, 2, states(2));
  h.push(2000, 4, states(4));
  h.push(3000, 8, states(8));
  assert.deepEqual(h.values(6), [2, 4, 8]);
  assert.deepEqual(h.values(TOTAL_SERIES, 2), [4, 8]);
  assert.deepEqual(h.timesMs(), [1000, 2000, 3000]);
  const s = h.stats(6);
  assert.deepEqual(s, { current: 8, min: 2, max: 8, ratePerSec: 3, points: 3 });
  for (let i = 0; i < 10_000; i++) h.push(i, i, states(i));
  assert.equal(h.length, 3);
});
