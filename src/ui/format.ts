/** Pure text formatters: bars, sparklines, numbers, padding. Shared by the dashboard and --once. */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = '▁▂▃▄▅▆▇█';
const ASCII_SPARKS = '_.,:-=+*#';

/**
 * A bar of `value` scaled so `max` fills `width` cells. A non-zero value never renders empty
 * (at least one eighth block, or one '#'), so a single SYN_RECV stays visible next to 100k ESTABLISHED.
 */
export function bar(value: number, max: number, width: number, ascii = false): string {
  if (width <= 0 || value <= 0 || max <= 0) return '';
  const cells = Math.min(width, (value / max) * width);
  if (ascii) return '#'.repeat(Math.max(1, Math.round(cells)));
  const whole = Math.floor(cells);
  const eighth = Math.round((cells - whole) * 8);
  let s = '█'.repeat(whole);
  if (eighth === 8) s += '█';
  else s += EIGHTHS[eighth];
  return s.length === 0 ? '▏' : s;
}

/** A sparkline of the last `width` values, scaled between their min and max. */
export function sparkline(values: readonly number[], width: number, ascii = false): string {
  if (width <= 0 || values.length === 0) return '';
  const v = values.slice(-width);
  const glyphs = ascii ? ASCII_SPARKS : SPARKS;
  let min = Infinity, max = -Infinity;
  for (const x of v) { if (x < min) min = x; if (x > max) max = x; }
  const span = max - min;
  let out = '';
  for (const x of v) {
    const level = span === 0 ? (x > 0 ? glyphs.length - 1 : 0) : Math.round(((x - min) / span) * (glyphs.length - 1));
    out += glyphs[level];
  }
  return out;
}

/** A count in at most ~6 characters: 999999, 1.23M, 12.3M. */
export function count(n: number): string {
  if (n < 1_000_000) return String(Math.round(n));
  if (n < 10_000_000) return `${(n / 1e6).toFixed(2)}M`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** A signed change: "+12", "-3", "" for 0. */
export function delta(n: number): string {
  if (n === 0) return '';
  return n > 0 ? `+${count(n)}` : `-${count(-n)}`;
}

/** A rate per second, short: 0, 0.5, 12, 1.2k. */
export function rate(n: number): string {
  if (n === 0) return '0';
  const a = Math.abs(n);
  const s = a < 10 ? a.toFixed(1).replace(/\.0$/, '') : a < 10_000 ? String(Math.round(a)) : `${(a / 1000).toFixed(1)}k`;
  return n < 0 ? `-${s}` : s;
}

export function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)}ms` : n < 10_000 ? `${Math.round(n)}ms` : `${(n / 1000).toFixed(1)}s`;
}

export function padLeft(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

export function padRight(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Cuts a string to at most w characters, marking the cut with '…' (or '~' in ASCII). */
export function truncate(s: string, w: number, ascii = false): string {
  if (w <= 0) return '';
  if (s.length <= w) return s;
  return s.slice(0, w - 1) + (ascii ? '~' : '…');
}

/**
 * Word-wraps `head` + `body` to lines of at most `width` characters: the first line starts with `head`,
 * the next ones with `indent` spaces (a hanging indent, by default under the body's start). A word
 * longer than a line is cut across lines.
 */
export function wrap(head: string, body: string, width: number, indent = head.length): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(Math.min(indent, Math.max(0, width - 1)));
  let line = head;
  let fresh = true; // no word of the body on this line yet
  for (let word of body.split(/\s+/).filter(Boolean)) {
    for (;;) {
      const sep = fresh ? '' : ' ';
      if (line.length + sep.length + word.length <= width) {
        line += sep + word;
        fresh = false;
        break;
      }
      if (!fresh) {
        out.push(line);
        line = pad;
        fresh = true;
        continue;
      }
      const room = Math.max(1, width - line.length);
      line += word.slice(0, room);
      word = word.slice(room);
      out.push(line);
      line = pad;
      if (!word) break;
    }
  }
  if (!fresh || out.length === 0) out.push(line);
  return out;
}

const ASCII: Record<string, string> = {
  '…': '...', '·': '|', '→': '->', '←': '<-', '↑': 'up', '↓': 'dn', '⇄': '<>', '✓': 'ok', '✗': 'x', '▲': '^', '▼': 'v', '×': 'x',
};

/** The text with the few non-ASCII glyphs the UI uses spelled in ASCII (a non-UTF-8 locale, --ascii). */
export function asciiText(s: string): string {
  return s.replace(/[…·→←↑↓⇄✓✗▲▼×]/g, (c) => ASCII[c] ?? c);
}
