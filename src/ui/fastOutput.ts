/**
 * Ink 6.8's output stage, made cheap for a dashboard whose frames barely change. scripts/ink-patches.mjs
 * puts it in the bundle (dist/ui-bundle.js); the unbundled fallback runs Ink unchanged.
 *
 * Ink's Output.get() builds a height × width grid of styled-character objects every frame, tokenizes
 * every written line (ANSI codes, grapheme segments, string widths) and turns each row back into a
 * string; its caches live for one frame, though most lines are the same from one frame to the next.
 *
 * Fast path: when nothing is clipped and every row receives at most one write (each <Text> of a
 * column layout), a row depends only on (x, line): Ink's grid row is x unstyled blanks, the line's
 * styled characters (a wide character's filler cell adds nothing), then unstyled blanks after the
 * line's final reset, which trimEnd() removes. So a row is (' '.repeat(x) + styledLine(line)).trimEnd(),
 * cached across frames. Any other frame (overlapping writes, clips, odd coordinates) takes Ink's own
 * get(), with Ink's caches kept across frames. test/ui/fastOutput.test.tsx compares both with Ink's.
 */

type Transformer = (line: string, index: number) => string;

type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: unknown }
  | { type: 'unclip' };

interface InkOutput {
  width: number;
  height: number;
  operations: Operation[];
  caches: CachesLike;
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
  get(): { output: string; height: number };
}

/** Ink's per-frame OutputCaches (not exported: reached through an instance). */
interface CachesLike {
  widths: Map<unknown, unknown>;
  blockWidths: Map<unknown, unknown>;
  styledChars: Map<unknown, unknown>;
}

export type InkOutputClass = new (options: { width: number; height: number }) => InkOutput;

/** The three functions of @alcalzone/ansi-tokenize that Ink's output.js imports, handed over with it. */
export interface AnsiTokenize {
  tokenize(line: string): unknown[];
  styledCharsFromTokens(tokens: unknown[]): unknown[];
  styledCharsToString(chars: unknown[]): string;
}

/** Entries kept across frames before a cache starts over (a 120×40 frame has 40 rows). */
export const CACHE_LIMIT = 2000;

export interface FastOutputStats {
  fast: number;
  slow: number;
  rowHits: number;
  rowMisses: number;
}

/**
 * Characters that are always a grapheme of their own, whatever their neighbours (Grapheme_Cluster_Break
 * Other, not Extended_Pictographic), and one cell wide: printable ASCII and the glyphs the dashboard
 * draws (· × … ←↑→↓ ⇄ box drawing, blocks, ▲ ▼ ✓ ✗). The test checks each, and each pair.
 */
export const PLAIN_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], [0xb7, 0xb7], [0xd7, 0xd7], [0x2026, 0x2026], [0x2190, 0x2193], [0x21c4, 0x21c4],
  [0x2500, 0x259f], [0x25b2, 0x25b2], [0x25bc, 0x25bc], [0x2713, 0x2713], [0x2717, 0x2717],
];
const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
const PLAIN = PLAIN_RANGES.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
/** Lines made only of SGR sequences and plain characters. */
const SIMPLE = new RegExp(`^(?:\\x1b\\[[0-9;]*m|[${PLAIN}])*$`);
/** An SGR sequence, or a run of plain characters between two. */
const PIECES = new RegExp(`\\x1b\\[[0-9;]*m|[${PLAIN}]+`, 'g');

/**
 * What Ink makes of one line: styledCharsToString(styledCharsFromTokens(tokenize(line))), i.e. its SGR
 * codes reduced to the minimal changes between characters and a reset at the end.
 *
 * Between two SGR sequences every character has the same style, so no code is ever emitted inside a
 * run of characters that are graphemes of their own: a line is its skeleton (each run cut to one
 * character) with the runs put back. The skeleton's string is codes₀ char₀ codes₁ char₁ … reset, the
 * codes depending on the skeleton alone: it is tokenized once, with NUL for its characters (no SGR
 * code contains one), and kept as the pieces around them.
 */
const templates = new WeakMap<AnsiTokenize, Map<string, string[]>>();
export function styledLine(ansi: AnsiTokenize, line: string): string {
  if (!SIMPLE.test(line)) return ansi.styledCharsToString(ansi.styledCharsFromTokens(ansi.tokenize(line)));
  const runs: string[] = [];
  const skeleton = line.replace(PIECES, (piece) => {
    if (piece.charCodeAt(0) === 0x1b) return piece;
    runs.push(piece);
    return piece[0];
  });
  let known = templates.get(ansi);
  if (!known) templates.set(ansi, (known = new Map()));
  let pieces = known.get(skeleton);
  if (!pieces) {
    const chars = ansi.styledCharsFromTokens(ansi.tokenize(skeleton)) as { value: string }[];
    if (chars.length !== runs.length) return ansi.styledCharsToString(ansi.styledCharsFromTokens(ansi.tokenize(line)));
    for (const c of chars) c.value = '\0';
    pieces = ansi.styledCharsToString(chars).split('\0');
    if (known.size >= CACHE_LIMIT) known.clear();
    known.set(skeleton, pieces);
  }
  let out = pieces[0];
  for (let i = 0; i < runs.length; i++) out += runs[i] + pieces[i + 1];
  return out;
}

const SGR = /\x1b\[[0-9;]*m/g;

/**
 * widest-line for Ink's render-node-to-output.js (every <Text>, every frame) and measure-text.js (Yoga's
 * measure of a changed text), remembered across frames: one cache for both, bounded. A one-line text of
 * SGR sequences and plain characters (each one cell wide, checked in the test) is as wide as its
 * characters: string-width strips exactly those sequences, then counts one per plain grapheme.
 */
const widthMemos = new WeakMap<(text: string) => number, (text: string) => number>();
export function memoWidestLine(widestLine: (text: string) => number): (text: string) => number {
  let memo = widthMemos.get(widestLine);
  if (memo) return memo;
  let widths = new Map<string, number>();
  memo = (text: string) => {
    let w = widths.get(text);
    if (w === undefined) {
      w = SIMPLE.test(text) ? text.replace(SGR, '').length : widestLine(text);
      if (widths.size >= CACHE_LIMIT) widths = new Map();
      widths.set(text, w);
    }
    return w;
  };
  widthMemos.set(widestLine, memo);
  return memo;
}

export function fastOutput<C extends InkOutputClass>(Base: C, ansi: AnsiTokenize): C & { stats: FastOutputStats } {
  let rows = new Map<string, string>();
  let shared: CachesLike | null = null;
  const stats: FastOutputStats = { fast: 0, slow: 0, rowHits: 0, rowMisses: 0 };
  // for the benchmark (bench/ui-frame.ts), which sees the bundle from outside
  (globalThis as Record<symbol, unknown>)[Symbol.for('tcptally.fastOutput.stats')] = stats;

  /** One row written by `line` at column x, as Ink's get() renders it (trimmed). */
  const row = (x: number, line: string): string => {
    const key = `${x}:${line}`;
    let r = rows.get(key);
    if (r !== undefined) {
      stats.rowHits++;
      return r;
    }
    stats.rowMisses++;
    // Ink's grid row for this one write: x unstyled blanks, then the line's styled characters (a wide
    // character's filler cell adds nothing), then blanks; as a string, trimmed
    r = (' '.repeat(x) + styledLine(ansi, line)).trimEnd();
    if (rows.size >= CACHE_LIMIT) rows = new Map();
    rows.set(key, r);
    return r;
  };

  class FastOutput extends (Base as InkOutputClass) {
    static stats = stats;

    constructor(options: { width: number; height: number }) {
      super(options);
      // Ink's own caches (used on the slow path) kept across frames, and bounded (a line's styled
      // characters are ~100 bytes each)
      const c = this.caches;
      if (!shared || shared.styledChars.size > CACHE_LIMIT / 4 || shared.widths.size + shared.blockWidths.size > CACHE_LIMIT) {
        shared = new (c.constructor as new () => CachesLike)();
      }
      this.caches = shared;
    }

    override get(): { output: string; height: number } {
      const fast = this.fastGet();
      if (fast !== null) {
        stats.fast++;
        return { output: fast, height: this.height };
      }
      stats.slow++;
      return super.get();
    }

    /**
     * The frame, or null when it needs Ink's grid (which then runs the transformers again: <Text>'s
     * are pure functions of the line).
     */
    private fastGet(): string | null {
      const { width, height } = this;
      if (!Number.isInteger(height) || height < 0) return null;
      const xs: number[] = new Array(height);
      const lines: string[] = new Array(height);
      const used = new Uint8Array(height);
      for (const op of this.operations) {
        if (op.type !== 'write') return null;
        const { x, y, text, transformers } = op;
        // Ink writes nothing of an op whose first line falls outside the grid (negative or fractional
        // y: no such row; its line counter only advances on rows that exist)
        if (!Number.isInteger(y) || y < 0 || y >= height) continue;
        if (!Number.isInteger(x) || x < 0 || x > width) return null;
        const split = text.split('\n');
        for (let i = 0; i < split.length && y + i < height; i++) {
          const r = y + i;
          if (used[r]) return null; // overlapping writes: Ink's grid decides who wins
          used[r] = 1;
          let line = split[i];
          for (const t of transformers) line = t(line, i);
          if (line.includes('\n')) return null; // a transformer's newline is a character in Ink's grid
          xs[r] = x;
          lines[r] = line;
        }
      }
      let out = '';
      for (let r = 0; r < height; r++) {
        if (r) out += '\n';
        if (used[r]) out += row(xs[r], lines[r]);
      }
      return out;
    }
  }
  return FastOutput as unknown as C & { stats: FastOutputStats };
}
