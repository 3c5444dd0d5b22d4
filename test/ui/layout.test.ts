/** src/ui/layout.ts: lines per part of the frame for a terminal size, as literal layouts. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeLayout, type Layout } from '../../src/ui/layout.js';

/** A layout with the usual one-line parts: header 2, trend 1, counters 1, table header 1. */
const layout = (l: Pick<Layout, 'tooSmall' | 'lines' | 'bars' | 'drill' | 'tableRows' | 'status'>): Layout =>
  ({ header: 2, trend: 1, counters: 1, tableHeader: 1, ...l });

// [what, computeLayout(columns, rows, barLines, nonZeroBars, drill, prompt), expected]
const CASES: [string, Parameters<typeof computeLayout>, Layout][] = [
  // 23 lines (one less than the terminal): 2 + 11 bars + 1 + 1 + 1 + 6 rows + 1 status
  ['80×24, all eleven bars', [80, 24, 11, 4, false, false], layout({ tooSmall: false, lines: 23, bars: 11, drill: 0, tableRows: 6, status: 1 })],
  ['120×40: the table gets the extra rows', [120, 40, 11, 4, false, false], layout({ tooSmall: false, lines: 39, bars: 11, drill: 0, tableRows: 22, status: 1 })],
  ['80×24, zero states hidden (5 bar lines)', [80, 24, 5, 5, false, false], layout({ tooSmall: false, lines: 23, bars: 5, drill: 0, tableRows: 12, status: 1 })],
  ['80×24 in a drill-down: a title line', [80, 24, 11, 4, true, false], layout({ tooSmall: false, lines: 23, bars: 11, drill: 1, tableRows: 5, status: 1 })],
  ['80×24 with the filter prompt: a 2-line status', [80, 24, 11, 4, false, true], layout({ tooSmall: false, lines: 23, bars: 11, drill: 0, tableRows: 5, status: 2 })],
  ['80×24, drill-down and prompt', [80, 24, 11, 4, true, true], layout({ tooSmall: false, lines: 23, bars: 11, drill: 1, tableRows: 4, status: 2 })],
  // the threshold: 3 table rows keep all the bars, 2 would not
  ['80×21: exactly 3 table rows with all bars', [80, 21, 11, 4, false, false], layout({ tooSmall: false, lines: 20, bars: 11, drill: 0, tableRows: 3, status: 1 })],
  ['80×20: 2 rows would be left, so the bars shrink to the non-zero ones', [80, 20, 11, 4, false, false], layout({ tooSmall: false, lines: 19, bars: 4, drill: 0, tableRows: 9, status: 1 })],
  // under 3 table rows the bars give up their zero lines: 19 − 8 fixed − 3 non-zero bars = 8 rows
  ['80×20, drill-down and prompt: bars shrink to the non-zero ones', [80, 20, 11, 3, true, true], layout({ tooSmall: false, lines: 19, bars: 3, drill: 1, tableRows: 8, status: 2 })],
  ['64×16, the smallest: bars shrink to the 4 non-zero', [64, 16, 11, 4, false, false], layout({ tooSmall: false, lines: 15, bars: 4, drill: 0, tableRows: 5, status: 1 })],
  ['64×16 with no socket at all: one bar line stays', [64, 16, 11, 0, false, false], layout({ tooSmall: false, lines: 15, bars: 1, drill: 0, tableRows: 8, status: 1 })],
  ['64×16 with every state non-zero: no table row left, too small', [64, 16, 11, 11, false, false], layout({ tooSmall: true, lines: 15, bars: 11, drill: 0, tableRows: 0, status: 1 })],
  ['63 columns: too small', [63, 24, 11, 4, false, false], layout({ tooSmall: true, lines: 23, bars: 11, drill: 0, tableRows: 6, status: 1 })],
  ['15 rows: too small', [80, 15, 11, 4, false, false], layout({ tooSmall: true, lines: 14, bars: 4, drill: 0, tableRows: 4, status: 1 })],
  ['50×12: too small (though one table row would fit)', [50, 12, 11, 4, false, false], layout({ tooSmall: true, lines: 11, bars: 4, drill: 0, tableRows: 1, status: 1 })],
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
    assert.equal(l.header + l.bars + l.trend + l.counters + l.drill + l.tableHeader + l.tableRows + l.status, args[1] - 1, String(args));
  }
});
