/** Small statistics for the benchmark: medians, percentiles, formatting. */

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[k];
}

export function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString();
}

/** A Markdown table (a '|' inside a cell is escaped). */
export function table(head: string[], rowsIn: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  head = head.map(esc);
  const rows = rowsIn.map((r) => r.map(esc));
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : `${'-'.repeat(n + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}
