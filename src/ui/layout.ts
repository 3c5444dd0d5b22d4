/** Pure layout: how many lines each part gets on a terminal of a given size. */

export const MIN_COLUMNS = 64;
export const MIN_ROWS = 16;
/** The drill-down's title: the port and its counts, then the age of its oldest sockets. */
export const DRILL_LINES = 2;

export interface Layout {
  tooSmall: boolean;
  /** Lines the frame may use: one less than the terminal (a full-height frame makes Ink 6 clear the screen). */
  lines: number;
  /** State bar lines. */
  bars: number;
  /** Data rows of the table. */
  tableRows: number;
}

/**
 * Header 2, state bars (11, or the non-zero ones), trend 1, counters 1, table header 1 (+1 in a
 * drill-down title 2), status 1 (2 while the filter prompt is open); the table takes what is left. When that is under 3 rows, the bars give up
 * their zero-count lines first.
 */
export function computeLayout(columns: number, rows: number, barLines: number, nonZeroBars: number, drill: boolean, prompt = false): Layout {
  const lines = rows - 1;
  const status = prompt ? 2 : 1;
  const fixed = 2 + 1 + 1 + 1 + (drill ? DRILL_LINES : 0) + status;
  let bars = barLines;
  if (lines - fixed - bars < 3) bars = Math.max(1, Math.min(bars, nonZeroBars));
  const tableRows = lines - fixed - bars;
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS || tableRows < 1;
  return { tooSmall, lines, bars, tableRows: Math.max(0, tableRows) };
}
