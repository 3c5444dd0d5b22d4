/** src/ui/layout.ts: lines per part of the frame for a terminal size, as literal layouts. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeLayout, type Layout } from '../../src/ui/layout.js';

const layout = (l: Layout): Layout => l;

// [what, computeLayout(columns, rows, barLines, nonZeroBars, drill, prompt), expected]
const CASES: [string, Parameters<typeof computeLayout>, Layout][] = [
  // 23 lines (one less than the terminal): 2 + 11 bars + 1 + 1 + 1 + 6 rows + 1 status
  ['80×24, all eleven bars', [80, 24, 11, 4, false, false], layout({ tooSmall: false, lines: 23, bars: 11, tableRows: 6 })],
  ['120×40: the table gets the extra rows', [120, 40, 11, 4, false, false], layout({ tooSmall: false, lines: 39, bars: 11, tableRows: 22 })],
  ['80×24, zero states hidden (5 bar lines)', [80, 24, 5, 5, false, false], layout({ tooSmall: false, lines: 23, bars: 5, tableRows: 12 })],
  ['80×24 in a drill-down: a 2-line title', [80, 24, 11, 4, true, false], layout({ tooSmall: false, lines: 23, bars: 11, tableRows: 4 })],
  ['80×24 with the filter prompt: a 2-line status', [80, 24, 11, 4, false, true], layout({ tooSmall: false, lines: 23, bars: 11, tableRows: 5 })],
  ['80×24, drill-down and prompt', [80, 24, 11, 4, true, true], layout({ tooSmall: false, lines: 23, bars: 11, tableRows: 3 })],
  // the threshold: 3 table rows keep all the bars, 2 would not
  ['80×21: exactly 3 table rows with all bars', [80, 21, 11, 4, false, false], layout({ tooSmall: false, lines: 20, bars: 11, tableRows: 3 })],
  ['80×20: 2 rows would be left, so the bars shrink to the non-zero ones', [80, 20, 11, 4, false, false], layout({ tooSmall: false, lines: 19, bars: 4, tableRows: 9 })],
  // under 3 table rows the bars give up their zero lines: 19 − 9 fixed − 3 non-zero bars = 7 rows
  ['80×20, drill-down and prompt: bars shrink to the non-zero ones', [80, 20, 11, 3, true, true], layout({ tooSmall: false, lines: 19, bars: 3, tableRows: 7 })],
  ['64×16, the smallest: bars shrink to the 4 non-zero', [64, 16, 11, 4, false, false], layout({ tooSmall: false, lines: 15, bars: 4, tableRows: 5 })],
  ['64×16 with no socket at all: one bar line stays', [64, 16, 11, 0, false, false], layout({ tooSmall: false, lines: 15, bars: 1, tableRows: 8 })],
  ['64×16 with every state non-zero: no table row left, too small', [64, 16, 11, 11, false, false], layout({ tooSmall: true, lines: 15, bars: 11, tableRows: 0 })],
  ['63 columns: too small', [63, 24, 11, 4, false, false], layout({ tooSmall: true, lines: 23, bars: 11, tableRows: 6 })],
  ['15 rows: too small', [80, 15, 11, 4, false, false], layout({ tooSmall: true, lines: 14, bars: 4, tableRows: 4 })],
  ['50×12: too small (though one table row would fit)', [50, 12, 11, 4, false, false], layout({ tooSmall: true, lines: 11, bars: 4, tableRows: 1 })],
];

for (const [what, args, expected] of CASES) {
  test(`computeLayout ${what}`, () => {
    assert.deepEqual(computeLayout(...args), expected);
  });
}

test('the parts add up to the lines of the frame (one less than the terminal) whenever it fits', () => {
  for (const [, args] of CASES) {
    const l = computeLayout(...args);
    if (l.tooSmall) continue;
    // header 2, trend 1, counters 1, drill-down title 2, table header 1, status 1 (2 with the prompt)
    const fixed = 2 + 1 + 1 + (args[4] ? 2 : 0) + 1 + (args[5] ? 2 : 1);
    assert.equal(fixed + l.bars + l.tableRows, args[1] - 1, String(args));
  }
});
