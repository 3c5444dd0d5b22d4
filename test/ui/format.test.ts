import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bar, count, delta, rate, sparkline, truncate } from '../../src/ui/format.js';

test('bars scale to the largest, and a tiny non-zero count stays visible', () => {
  assert.equal(bar(100, 100, 10), '█'.repeat(10));
  assert.equal(bar(50, 100, 10), '█'.repeat(5));
  assert.equal(bar(1, 100_000, 10), '▏');
  assert.equal(bar(0, 100, 10), '');
  assert.equal(bar(55, 100, 10), '█████▌');
  assert.equal(bar(53, 100, 10), '█████▎');
  assert.equal(bar(1, 100_000, 10, true), '#');
  assert.equal(bar(100, 100, 10, true), '##########');
});

test('sparklines: scaled between min and max, the last width points, ASCII variant', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5], 8), '███');
  assert.equal(sparkline([0, 0], 8), '▁▁');
  assert.equal(sparkline([1, 2, 3, 4], 2), '▁█');
  assert.equal(sparkline([0, 8], 8, true), '_#');
});

test('numbers, deltas, rates, truncation', () => {
  assert.equal(count(999_999), '999999');
  assert.equal(count(1_234_567), '1.23M');
  assert.equal(delta(0), '');
  assert.equal(delta(5), '+5');
  assert.equal(delta(-12), '-12');
  assert.equal(rate(0.25), '0.3');
  assert.equal(rate(12.4), '12');
  assert.equal(rate(-3), '-3');
  assert.equal(rate(25_000), '25.0k');
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
});
