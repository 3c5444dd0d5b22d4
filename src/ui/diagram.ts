/**
 * The TCP state diagram as text: the eleven states as boxes on the two paths (active opener / passive
 * opener above ESTABLISHED, active closer / passive closer below it, the simultaneous close through
 * CLOSING), arrows labelled with the call or the segment received that moves a socket along, a live
 * count and its change in every box, the largest pile (or a chosen state) marked, and a sentence under
 * it from the state table: what that pile means and whose move it is.
 *
 * Pure (counts + size → lines of styled segments), no React: the dashboard's Diagram component and
 * `--once --diagram` both draw from it.
 */

import { stateByCode, TCP, TCP_STATES, type StateKind } from '../model/states.js';
import { asciiText, count, textWidth, truncate, wrap } from './format.js';

/** How a segment is styled: like the bars (a state's kind), a rising / falling delta, or plain. */
export type Tone = StateKind | 'up' | 'down' | 'dim';

export interface Seg {
  text: string;
  tone?: Tone;
  bold?: boolean;
}
export type DiagramLine = Seg[];

export interface DiagramInput {
  /** Sockets per state, indexed by state code (1..11). */
  counts: ArrayLike<number>;
  /** Change since the previous sample per state code (zeros: no change or no previous sample). */
  deltas: ArrayLike<number>;
  /** The state code whose box is marked and explained in the sentence (0: none). */
  mark: number;
  width: number;
  /** Lines available, sentence included (Infinity: as many as the full layout wants). */
  height: number;
  ascii: boolean;
}

/** Lines of the full layout (3-line boxes) and of the compact one (1-line boxes), without the sentence. */
export const FULL_LINES = 27;
export const COMPACT_LINES = 14;
/** Below this many columns the compact layout is cut at the right. */
export const COMPACT_MIN_COLUMNS = 64;

const SEVERITY: Record<StateKind, number> = { trouble: 4, waiting: 3, opening: 2, closing: 1, open: 0 };

/**
 * The state to mark: the largest pile (ties: the more alarming kind, then the lower code); 0 when
 * there are no sockets.
 */
export function largestPile(counts: ArrayLike<number>): number {
  let best = 0;
  for (const s of TCP_STATES) {
    const n = counts[s.code] ?? 0;
    if (n <= 0) continue;
    const b = best ? counts[best] ?? 0 : 0;
    if (!best || n > b || (n === b && SEVERITY[s.kind] > SEVERITY[stateByCode(best)!.kind])) best = s.code;
  }
  return best;
}

/** A change as the boxes show it: "↑12" / "↓3" ("+12" / "-3" in ASCII), "" for none. */
export function deltaText(d: number, ascii: boolean): string {
  if (d === 0) return '';
  const n = count(Math.abs(d));
  return ascii ? `${d > 0 ? '+' : '-'}${n}` : `${d > 0 ? '↑' : '↓'}${n}`;
}

/**
 * The sentence under the diagram for a state, from the state table (the help screen's text):
 * "CLOSE_WAIT 5,012 ↑12: The peer closed; … Whose move: this box's application (close())." The count
 * is written whole, digits grouped (a box has room for a compact one only).
 */
export function sentence(code: number, n: number, d: number, ascii: boolean): string {
  const s = stateByCode(code);
  if (!s) return 'No sockets.';
  const dt = deltaText(d, ascii);
  return `${s.name} ${Math.round(n).toLocaleString('en-US')}${dt ? ` ${dt}` : ''}: ${s.meaning} Whose move: ${s.next}`;
}

// ---------------------------------------------------------------------------------------------------
// A canvas of one-cell characters with a style per cell; every glyph drawn here is one cell wide.

interface Cell {
  ch: string;
  tone?: Tone;
  bold?: boolean;
}

class Canvas {
  readonly rows: Cell[][];
  constructor(readonly width: number, height: number) {
    this.rows = Array.from({ length: height }, () => Array.from({ length: width }, () => ({ ch: ' ' })));
  }

  put(x: number, y: number, text: string, tone?: Tone, bold?: boolean): void {
    const row = this.rows[y];
    if (!row) return;
    let i = x;
    for (const ch of text) {
      if (i >= 0 && i < this.width) row[i] = { ch, tone, bold };
      i++;
    }
  }

  lines(): DiagramLine[] {
    return this.rows.map((row) => {
      let end = row.length;
      while (end > 0 && row[end - 1].ch === ' ') end--;
      const segs: Seg[] = [];
      for (let i = 0; i < end; i++) {
        const c = row[i];
        const last = segs[segs.length - 1];
        const tone = c.ch === ' ' ? undefined : c.tone;
        const bold = c.ch === ' ' ? undefined : c.bold;
        if (last && last.tone === tone && last.bold === bold) last.text += c.ch;
        else segs.push({ text: c.ch, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
      }
      // plain spaces between styled runs merge into one segment
      return mergePlainSpaces(segs);
    });
  }
}

function mergePlainSpaces(segs: Seg[]): Seg[] {
  const out: Seg[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && !last.tone && !last.bold && !s.tone && !s.bold) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Glyphs

interface Glyphs {
  h: string; v: string; tl: string; tr: string; bl: string; br: string;
  /** A box's border where an arrow leaves downwards, and where one joins its side. */
  down: string; left: string; right: string;
  arrowDown: string; arrowRight: string; arrowLeft: string;
}

const UNI: Glyphs = { h: '─', v: '│', tl: '┌', tr: '┐', bl: '└', br: '┘', down: '┬', left: '┤', right: '├', arrowDown: '▼', arrowRight: '▶', arrowLeft: '◀' };
const UNI_MARK: Glyphs = { h: '━', v: '┃', tl: '┏', tr: '┓', bl: '┗', br: '┛', down: '┳', left: '┫', right: '┣', arrowDown: '▼', arrowRight: '▶', arrowLeft: '◀' };
const ASC: Glyphs = { h: '-', v: '|', tl: '+', tr: '+', bl: '+', br: '+', down: '+', left: '+', right: '+', arrowDown: 'v', arrowRight: '>', arrowLeft: '<' };
const ASC_MARK: Glyphs = { h: '=', v: '#', tl: '#', tr: '#', bl: '#', br: '#', down: '#', left: '#', right: '#', arrowDown: 'v', arrowRight: '>', arrowLeft: '<' };

// ---------------------------------------------------------------------------------------------------
// Layout: three columns of boxes (active side, middle, passive side) in rows.

const LEFT = [TCP.SYN_SENT, TCP.FIN_WAIT1, TCP.FIN_WAIT2] as const;
const MIDDLE = [TCP.CLOSE, TCP.ESTABLISHED, TCP.CLOSING, TCP.TIME_WAIT] as const;
const RIGHT = [TCP.LISTEN, TCP.SYN_RECV, TCP.CLOSE_WAIT, TCP.LAST_ACK] as const;

interface Column {
  x: number;
  /** Outer width of its boxes. */
  w: number;
  nameW: number;
  countW: number;
  deltaW: number;
}

interface Geometry {
  full: boolean;
  withDeltas: boolean;
  L: Column;
  M: Column;
  R: Column;
  width: number;
}

/** Cells a box needs around its text: "│ text │" (full) or "│text│" (compact). */
const pad = (full: boolean) => (full ? 4 : 2);

function column(codes: readonly number[], d: DiagramInput, full: boolean, withDeltas: boolean): Column {
  let nameW = 0, countW = 1, deltaW = 0;
  for (const c of codes) {
    nameW = Math.max(nameW, stateByCode(c)!.name.length);
    countW = Math.max(countW, count(d.counts[c] ?? 0).length);
    if (withDeltas) deltaW = Math.max(deltaW, textWidth(deltaText(d.deltas[c] ?? 0, d.ascii)));
  }
  const text = nameW + 1 + countW + (deltaW ? 1 + deltaW : 0);
  return { x: 0, w: text + pad(full), nameW, countW, deltaW };
}

/** Smallest gaps between the columns: "─ FIN ─▶" on the left, "◀─ ACK ─┘" on the right (plus the arrow's column). */
const GAP_L = 8;
const GAP_R = 9;

function geometry(d: DiagramInput, full: boolean, withDeltas: boolean, overflow = false): Geometry | null {
  const L = column(LEFT, d, full, withDeltas);
  const M = column(MIDDLE, d, full, withDeltas);
  const R = column(RIGHT, d, full, withDeltas);
  // the passive side's arrow labels ("▼ close()/FIN") reach past a narrow box
  const rExt = Math.max(R.w, 2 + 2 + 'close()/FIN'.length);
  const natural = L.w + GAP_L + M.w + GAP_R + rExt;
  if (natural > d.width && !overflow) return null;
  // the slack goes to the gaps, at most 12 columns each (a wide terminal gets a diagram, not a runway)
  const slack = Math.max(0, d.width - natural);
  const extraL = Math.min(12, Math.floor(slack / 2));
  const extraR = Math.min(12, slack - Math.floor(slack / 2));
  L.x = 0;
  M.x = L.w + GAP_L + extraL;
  R.x = M.x + M.w + GAP_R + extraR;
  return { full, withDeltas, L, M, R, width: R.x + rExt };
}

/** The first layout that fits: full with deltas, compact with deltas, compact without; else compact cut at the right. */
function chooseGeometry(d: DiagramInput, sentenceLines: number): Geometry {
  const fullFits = d.height >= FULL_LINES + sentenceLines;
  const tries: [boolean, boolean][] = fullFits ? [[true, true], [false, true], [false, false]] : [[false, true], [false, false]];
  for (const [full, deltas] of tries) {
    const g = geometry(d, full, deltas);
    if (g) return g;
  }
  return geometry(d, false, false, true)!;
}

function boxText(code: number, col: Column, d: DiagramInput, withDeltas: boolean): Seg[] {
  const s = stateByCode(code)!;
  const n = d.counts[code] ?? 0;
  const dd = d.deltas[code] ?? 0;
  const segs: Seg[] = [
    { text: s.name.padEnd(col.nameW), tone: s.kind, bold: code === d.mark },
    { text: ` ${count(n).padStart(col.countW)}`, bold: code === d.mark },
  ];
  if (withDeltas && col.deltaW) {
    const dt = deltaText(dd, d.ascii);
    segs.push({ text: ' ' + dt + ' '.repeat(col.deltaW - textWidth(dt)), tone: dd > 0 ? 'up' : dd < 0 ? 'down' : undefined });
  }
  return segs;
}

/** Draws a box at (x, y); returns nothing. Full: 3 lines, compact: 1 line. */
function box(cv: Canvas, g: Geometry, col: Column, y: number, code: number, d: DiagramInput): void {
  const marked = code === d.mark;
  const gl = d.ascii ? (marked ? ASC_MARK : ASC) : marked ? UNI_MARK : UNI;
  const kind = stateByCode(code)!.kind;
  const x = col.x;
  const inner = col.w - 2;
  const text = boxText(code, col, d, g.withDeltas);
  if (g.full) {
    cv.put(x, y, gl.tl + gl.h.repeat(inner) + gl.tr, kind, marked);
    cv.put(x, y + 1, gl.v, kind, marked);
    cv.put(x + col.w - 1, y + 1, gl.v, kind, marked);
    cv.put(x, y + 2, gl.bl + gl.h.repeat(inner) + gl.br, kind, marked);
    let cx = x + 2;
    for (const s of text) {
      cv.put(cx, y + 1, s.text, s.tone, s.bold);
      cx += s.text.length;
    }
  } else {
    cv.put(x, y, gl.v, kind, marked);
    cv.put(x + col.w - 1, y, gl.v, kind, marked);
    let cx = x + 1;
    for (const s of text) {
      cv.put(cx, y, s.text, s.tone, s.bold);
      cx += s.text.length;
    }
  }
}

/** The column where a box's vertical arrows run. */
const axis = (c: Column) => c.x + 2;

/**
 * The diagram, then the sentence about the marked state (word-wrapped, at most two lines), in at most
 * `height` lines of at most `width` cells. The full layout when it fits, else the compact one.
 */
export function renderDiagram(d: DiagramInput): DiagramLine[] {
  const width = Math.max(1, d.width);
  const said = sentenceLines(d, width);
  const g = chooseGeometry({ ...d, width }, said.length);
  const body = g.full ? drawFull(g, d) : drawCompact(g, d);
  const markKind = d.mark ? stateByCode(d.mark)!.kind : undefined;
  const tail: DiagramLine[] = said.map((text, i) => {
    if (i === 0 && d.mark) {
      const name = stateByCode(d.mark)!.name;
      return [{ text: name, tone: markKind, bold: true }, { text: text.slice(name.length) }];
    }
    return [{ text }];
  });
  // too short: the title goes first, then the diagram's bottom; the sentence stays
  let lines = body;
  const room = Math.max(0, d.height - tail.length);
  if (lines.length > room) lines = lines.slice(1);
  if (lines.length > room) lines = lines.slice(0, room);
  return [...lines, ...tail].map((l) => cut(l, width));
}

/** The sentence, word-wrapped to at most two lines (the second cut with '…' when it is longer). */
function sentenceLines(d: DiagramInput, width: number): string[] {
  let say = d.mark ? sentence(d.mark, d.counts[d.mark] ?? 0, d.deltas[d.mark] ?? 0, d.ascii) : 'No sockets.';
  if (d.ascii) say = asciiText(say);
  const lines = wrap('', say, width, 2);
  if (lines.length <= 2) return lines;
  return [lines[0], truncate(`  ${lines.slice(1).map((l) => l.trim()).join(' ')}`, width, d.ascii)];
}

/** A line cut to `width` cells. */
function cut(line: DiagramLine, width: number): DiagramLine {
  const out: Seg[] = [];
  let used = 0;
  for (const s of line) {
    const w = textWidth(s.text);
    if (used + w <= width) {
      out.push(s);
      used += w;
      continue;
    }
    const room = width - used;
    if (room > 0) out.push({ ...s, text: [...s.text].slice(0, room).join('') });
    break;
  }
  return out;
}

/** The titles over the two sides. */
function titles(cv: Canvas, g: Geometry, y: number): void {
  const left = 'active opener / active closer';
  const right = 'passive opener / passive closer';
  cv.put(g.L.x, y, left, 'dim');
  cv.put(Math.max(g.L.x + left.length + 2, g.width - right.length), y, right, 'dim');
}

function hline(cv: Canvas, x1: number, x2: number, y: number, ch: string): void {
  for (let x = x1; x <= x2; x++) cv.put(x, y, ch);
}

/** A horizontal arrow from x1 to x2 (inclusive) pointing right, with a label in its middle: "── FIN ─▶". */
function arrowRight(cv: Canvas, gl: Glyphs, x1: number, x2: number, y: number, label: string): void {
  hline(cv, x1, x2 - 1, y, gl.h);
  cv.put(x2, y, gl.arrowRight);
  const lx = x1 + Math.max(1, Math.floor((x2 - x1 - label.length - 1) / 2));
  cv.put(lx, y, ` ${label} `);
}

function arrowLeft(cv: Canvas, gl: Glyphs, x1: number, x2: number, y: number, label: string): void {
  cv.put(x1, y, gl.arrowLeft);
  hline(cv, x1 + 1, x2, y, gl.h);
  const lx = x1 + 1 + Math.max(1, Math.floor((x2 - x1 - label.length - 1) / 2));
  cv.put(lx, y, ` ${label} `);
}

/** A label on a horizontal line, centred between x1 and x2. */
function label(cv: Canvas, x1: number, x2: number, y: number, text: string): void {
  cv.put(x1 + Math.max(1, Math.floor((x2 - x1 + 1 - text.length - 2) / 2)), y, ` ${text} `);
}

/** "▼ label" at column x. */
function down(cv: Canvas, gl: Glyphs, x: number, y: number, text: string): void {
  cv.put(x, y, gl.arrowDown);
  if (text) cv.put(x + 2, y, text);
}

/**
 * ESTABLISHED left by both sides, on row y: from its foot at oL a line left to the active closer's
 * column aL ("close()/FIN"), from oR a line right to the passive closer's column aR ("FIN"), then an
 * arrow down each on row y + 1.
 */
function closeSplit(cv: Canvas, gl: Glyphs, aL: number, oL: number, oR: number, aR: number, y: number): void {
  cv.put(aL, y, gl.tl);
  hline(cv, aL + 1, oL - 1, y, gl.h);
  cv.put(oL, y, gl.br);
  label(cv, aL + 1, oL - 1, y, 'close()/FIN');
  cv.put(oR, y, gl.bl);
  hline(cv, oR + 1, aR - 1, y, gl.h);
  cv.put(aR, y, gl.tr);
  label(cv, oR + 1, aR - 1, y, 'FIN');
  down(cv, gl, aL, y + 1, '');
  down(cv, gl, aR, y + 1, '');
}

function drawCompact(g: Geometry, d: DiagramInput): DiagramLine[] {
  const gl = d.ascii ? ASC : UNI;
  const cv = new Canvas(g.width, COMPACT_LINES);
  const { L, M, R } = g;
  const aL = axis(L), aM = axis(M), aR = axis(R);
  const mRight = M.x + M.w - 1;
  titles(cv, g, 0);
  // CLOSE, and the two ways out of it
  box(cv, g, M, 1, TCP.CLOSE, d);
  cv.put(aL, 1, gl.tl);
  hline(cv, aL + 1, M.x - 1, 1, gl.h);
  hline(cv, mRight + 1, aR - 1, 1, gl.h);
  cv.put(aR, 1, gl.tr);
  down(cv, gl, aL, 2, 'connect()/SYN');
  down(cv, gl, aR, 2, 'listen()');
  box(cv, g, L, 3, TCP.SYN_SENT, d);
  box(cv, g, R, 3, TCP.LISTEN, d);
  cv.put(aL, 4, gl.v);
  down(cv, gl, aR, 4, 'SYN');
  cv.put(aL, 5, gl.v);
  box(cv, g, R, 5, TCP.SYN_RECV, d);
  // ESTABLISHED, reached from both sides
  cv.put(aL, 6, gl.bl);
  arrowRight(cv, gl, aL + 1, M.x - 1, 6, 'SYN+ACK');
  box(cv, g, M, 6, TCP.ESTABLISHED, d);
  arrowLeft(cv, gl, mRight + 1, aR - 1, 6, 'ACK');
  cv.put(aR, 6, gl.br);
  // and left by both sides
  const oL = M.x + 1, oR = mRight - 1;
  closeSplit(cv, gl, aL, oL, oR, aR, 7);
  // the close
  box(cv, g, L, 9, TCP.FIN_WAIT1, d);
  arrowRight(cv, gl, L.x + L.w, M.x - 1, 9, 'FIN');
  box(cv, g, M, 9, TCP.CLOSING, d);
  box(cv, g, R, 9, TCP.CLOSE_WAIT, d);
  down(cv, gl, aL, 10, 'ACK');
  down(cv, gl, aM, 10, 'ACK');
  down(cv, gl, aR, 10, 'close()/FIN');
  box(cv, g, L, 11, TCP.FIN_WAIT2, d);
  arrowRight(cv, gl, L.x + L.w, M.x - 1, 11, 'FIN');
  box(cv, g, M, 11, TCP.TIME_WAIT, d);
  box(cv, g, R, 11, TCP.LAST_ACK, d);
  down(cv, gl, aM, 12, '2MSL');
  down(cv, gl, aR, 12, 'ACK');
  cv.put(aM - 2, 13, 'CLOSED', 'dim');
  cv.put(aR - 2, 13, 'CLOSED', 'dim');
  return cv.lines();
}

function drawFull(g: Geometry, d: DiagramInput): DiagramLine[] {
  const gl = d.ascii ? ASC : UNI;
  const cv = new Canvas(g.width, FULL_LINES);
  const { L, M, R } = g;
  const aL = axis(L), aM = axis(M), aR = axis(R);
  const mRight = M.x + M.w - 1;
  const markGl = (code: number) => (code === d.mark ? (d.ascii ? ASC_MARK : UNI_MARK) : gl);
  /** Marks a box's border where an arrow leaves it downwards (at column x of its bottom line y). */
  const exit = (code: number, x: number, y: number) => cv.put(x, y, markGl(code).down, stateByCode(code)!.kind, code === d.mark);
  const side = (code: number, x: number, y: number, which: 'left' | 'right') =>
    cv.put(x, y, markGl(code)[which], stateByCode(code)!.kind, code === d.mark);
  titles(cv, g, 0);
  // CLOSE (lines 1-3), and the two ways out of it
  box(cv, g, M, 1, TCP.CLOSE, d);
  side(TCP.CLOSE, M.x, 2, 'left');
  side(TCP.CLOSE, mRight, 2, 'right');
  cv.put(aL, 2, gl.tl);
  hline(cv, aL + 1, M.x - 1, 2, gl.h);
  hline(cv, mRight + 1, aR - 1, 2, gl.h);
  cv.put(aR, 2, gl.tr);
  cv.put(aL, 3, gl.v);
  cv.put(aR, 3, gl.v);
  down(cv, gl, aL, 4, 'connect()/SYN');
  down(cv, gl, aR, 4, 'listen()');
  box(cv, g, L, 5, TCP.SYN_SENT, d);
  box(cv, g, R, 5, TCP.LISTEN, d);
  exit(TCP.SYN_SENT, aL, 7);
  exit(TCP.LISTEN, aR, 7);
  cv.put(aL, 8, gl.v);
  down(cv, gl, aR, 8, 'SYN');
  for (let y = 9; y <= 13; y++) cv.put(aL, y, gl.v);
  box(cv, g, R, 9, TCP.SYN_RECV, d);
  exit(TCP.SYN_RECV, aR, 11);
  cv.put(aR, 12, gl.v);
  cv.put(aR, 13, gl.v);
  // ESTABLISHED (lines 13-15), reached from both sides on its middle line
  box(cv, g, M, 13, TCP.ESTABLISHED, d);
  cv.put(aL, 14, gl.bl);
  arrowRight(cv, gl, aL + 1, M.x - 1, 14, 'SYN+ACK');
  arrowLeft(cv, gl, mRight + 1, aR - 1, 14, 'ACK');
  cv.put(aR, 14, gl.br);
  // and left by both sides, from its bottom border
  const oL = M.x + 2, oR = mRight - 2;
  exit(TCP.ESTABLISHED, oL, 15);
  exit(TCP.ESTABLISHED, oR, 15);
  closeSplit(cv, gl, aL, oL, oR, aR, 16);
  // the close: FIN_WAIT1 ─FIN─▶ CLOSING (simultaneous close), CLOSE_WAIT
  box(cv, g, L, 18, TCP.FIN_WAIT1, d);
  side(TCP.FIN_WAIT1, L.x + L.w - 1, 19, 'right');
  arrowRight(cv, gl, L.x + L.w, M.x - 1, 19, 'FIN');
  box(cv, g, M, 18, TCP.CLOSING, d);
  box(cv, g, R, 18, TCP.CLOSE_WAIT, d);
  exit(TCP.FIN_WAIT1, aL, 20);
  exit(TCP.CLOSING, aM, 20);
  exit(TCP.CLOSE_WAIT, aR, 20);
  down(cv, gl, aL, 21, 'ACK');
  down(cv, gl, aM, 21, 'ACK');
  down(cv, gl, aR, 21, 'close()/FIN');
  box(cv, g, L, 22, TCP.FIN_WAIT2, d);
  side(TCP.FIN_WAIT2, L.x + L.w - 1, 23, 'right');
  arrowRight(cv, gl, L.x + L.w, M.x - 1, 23, 'FIN');
  box(cv, g, M, 22, TCP.TIME_WAIT, d);
  box(cv, g, R, 22, TCP.LAST_ACK, d);
  exit(TCP.TIME_WAIT, aM, 24);
  exit(TCP.LAST_ACK, aR, 24);
  down(cv, gl, aM, 25, '2MSL');
  down(cv, gl, aR, 25, 'ACK');
  cv.put(aM - 2, 26, 'CLOSED', 'dim');
  cv.put(aR - 2, 26, 'CLOSED', 'dim');
  return cv.lines();
}

/** The lines as plain text (no styles). */
export function plain(lines: readonly DiagramLine[]): string[] {
  return lines.map((l) => l.map((s) => s.text).join(''));
}

/**
 * Per-state changes for counts that the sampler does not diff (a port's or a process's in a
 * drill-down): compared with the counts of the previous sample of the same subject. A new subject
 * starts at zeros; the same sample again (a re-count, a paused view) keeps the changes it had.
 */
export interface DeltaMemo {
  key: string;
  seq: number;
  counts: readonly number[];
  deltas: readonly number[];
}

export function nextDeltas(prev: DeltaMemo | null, key: string, seq: number, counts: ArrayLike<number>): DeltaMemo {
  const now = Array.from({ length: 12 }, (_, c) => counts[c] ?? 0);
  if (!prev || prev.key !== key || seq < prev.seq) return { key, seq, counts: now, deltas: now.map(() => 0) };
  if (seq === prev.seq) return { ...prev, counts: now };
  return { key, seq, counts: now, deltas: now.map((n, c) => n - (prev.counts[c] ?? 0)) };
}
