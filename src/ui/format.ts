/** Pure text formatters: bars, sparklines, numbers, padding. Shared by the dashboard and --once. */

import stringWidth from 'string-width';

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

/**
 * Whether every UTF-16 unit of `s` is one terminal cell wide: printable ASCII, Latin-1 and Latin
 * Extended (not the soft hyphen), general punctuation (dashes, quotes, '…'), arrows, box drawing, block
 * elements and geometric shapes ('█▏▁▼', not the two emoji squares at U+25FD/U+25FE). That is every
 * string the dashboard draws; anything else (CJK, emoji, combining marks, controls) is measured.
 */
function narrow(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (c >= 0xa0 && c < 0x300 && c !== 0xad) continue;
    if (c >= 0x2010 && c < 0x2028) continue;
    if (c >= 0x2190 && c < 0x2200) continue;
    if (c >= 0x2500 && c < 0x25fd) continue;
    return false;
  }
  return true;
}

/** Terminal cells `s` takes: wide (CJK, emoji) count 2, combining marks 0. */
export function textWidth(s: string): number {
  return narrow(s) ? s.length : stringWidth(s);
}

export function padLeft(s: string, w: number): string {
  const n = textWidth(s);
  return n >= w ? s : ' '.repeat(w - n) + s;
}

export function padRight(s: string, w: number): string {
  const n = textWidth(s);
  return n >= w ? s : s + ' '.repeat(w - n);
}

const graphemes = new Intl.Segmenter();

/** The longest start of `s` that takes at most `w` cells, cut between characters (graphemes). */
export function sliceToWidth(s: string, w: number): string {
  if (narrow(s)) return s.slice(0, Math.max(0, w));
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const n = stringWidth(segment);
    if (used + n > w) break;
    out += segment;
    used += n;
  }
  return out;
}

/**
 * Cuts a string to at most w cells, marking the cut with '…' (or '~' in ASCII). A wide character that
 * would straddle the limit is dropped, so the result may be one cell short of w.
 */
export function truncate(s: string, w: number, ascii = false): string {
  if (w <= 0) return '';
  if (textWidth(s) <= w) return s;
  return sliceToWidth(s, w - 1) + (ascii ? '~' : '…');
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

/** A duration, short: 42s, 5m12s, 3h04m, 2d03h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${two(Math.floor(s / 3600) % 24)}h`;
}
