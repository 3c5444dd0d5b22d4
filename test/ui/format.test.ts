import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bar, count, delta, duration, padLeft, padRight, rate, sparkline, truncate } from '../../src/ui/format.js';

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

// Terminal cells, not UTF-16 units: '日本' is 2 units and 4 cells; '🚀' (U+1F680) 2 units and 2 cells;
// 'é' written as e + U+0301 (combining acute) 2 units and 1 cell; '⌚' (U+231A) 1 unit and 2 cells.
test('padding counts terminal cells: CJK and emoji are two wide, a combining accent zero', () => {
  assert.equal(padLeft('日本', 6), '  日本');
  assert.equal(padRight('日本', 6), '日本  ');
  assert.equal(padLeft('🚀', 4), '  🚀');
  assert.equal(padRight('e\u0301', 3), 'e\u0301  ');
  assert.equal(padLeft('cafe\u0301', 6), '  cafe\u0301');
  assert.equal(padRight('⌚', 3), '⌚ ');
  assert.equal(padRight('日本語', 4), '日本語', 'wider than w: unchanged');
  // what the dashboard draws stays one cell per character
  assert.equal(padRight('█▌', 4), '█▌  ');
  assert.equal(padLeft('▼TOTAL', 8), '  ▼TOTAL');
  assert.equal(padRight('a…', 3), 'a… ');
});

test('truncation counts terminal cells and never cuts a character in two', () => {
  assert.equal(truncate('日本語テキスト', 7), '日本語…');
  assert.equal(truncate('日本語テキスト', 6), '日本…', 'a wide character straddling the cut is dropped');
  assert.equal(truncate('日本語', 6), '日本語', 'exactly six cells: no cut');
  assert.equal(truncate('ab🚀cd', 4), 'ab…');
  assert.equal(truncate('ab🚀cd', 5), 'ab🚀…');
  assert.equal(truncate('cafe\u0301 au lait', 6), 'cafe\u0301 …', 'the accent stays on its letter');
  assert.equal(truncate('cafe\u0301', 4), 'cafe\u0301');
  assert.equal(truncate('👩‍💻 dev', 4), '👩‍💻 …', 'a ZWJ sequence is one two-cell character');
  assert.equal(truncate('日本語', 3, true), '日~');
});

test('duration: short, two units at most', () => {
  assert.deepEqual([0, 999, 42_000, 312_000, 3_600_000, 11_040_000, 86_400_000, 183_600_000].map(duration), ['0s', '0s', '42s', '5m12s', '1h00m', '3h04m', '1d00h', '2d03h']);
});
