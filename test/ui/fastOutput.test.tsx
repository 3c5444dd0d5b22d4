/**
 * Our Ink Output (src/ui/fastOutput.ts, swapped in by scripts/ink-patches.mjs when the dashboard is
 * bundled) against Ink's own: byte-identical frames. The patched class is taken from a bundle built by
 * the same plugin, so the test covers what ships; Ink's is the module Ink renders with unbundled.
 */

import '../helpers/forceColor.js'; // first: chalk reads FORCE_COLOR when Ink loads it
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { build } from 'esbuild';
import { render } from 'ink';
import { App } from '../../src/ui/App.js';
import { memoWidestLine, PLAIN_RANGES, styledLine, type AnsiTokenize } from '../../src/ui/fastOutput.js';
import { ScreenWriter } from '../../src/ui/screen.js';
import { ThemeContext } from '../../src/ui/theme.js';
import { initialViewState } from '../../src/ui/viewState.js';
import { ScriptedStore, SnapshotScript } from '../helpers/scriptedStore.js';
import { FakeStdin, FakeTerminal } from '../helpers/fakeTerminal.js';

type Transformer = (line: string, index: number) => string;
type Op = { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] } | { type: 'clip'; clip: object } | { type: 'unclip' };
interface OutputLike {
  operations: Op[];
  get(): { output: string; height: number };
}
type OutputClass = (new (o: { width: number; height: number }) => OutputLike) & { stats?: { fast: number; slow: number } };
interface Frame {
  width: number;
  height: number;
  operations: Op[];
  /** What Ink's own get() gave, when recorded from a render. */
  want?: { output: string; height: number };
}

const INK_BUILD = dirname(fileURLToPath(import.meta.resolve('ink')));
// the very module Ink's renderer imports (Ink exports only its index, so by file URL)
const InkOutput = (await import(pathToFileURL(join(INK_BUILD, 'output.js')).href)).default as OutputClass;

let Patched: OutputClass;
let ansi: AnsiTokenize;
let widestLine: (s: string) => number;
let stringWidth: (s: string) => number;

before(async () => {
  // built by the plugin that builds dist/ui-bundle.js, from Ink's output.js and the packages it imports
  const { inkPatches } = (await import(pathToFileURL(fileURLToPath(new URL('../../../scripts/ink-patches.mjs', import.meta.url))).href)) as {
    inkPatches: () => import('esbuild').Plugin;
  };
  const out = await build({
    stdin: {
      contents: [
        "export { default as Patched } from './output.js';",
        "export { tokenize, styledCharsFromTokens, styledCharsToString } from '@alcalzone/ansi-tokenize';",
        "export { default as widestLine } from 'widest-line';",
        "export { default as stringWidth } from 'string-width';",
      ].join('\n'),
      resolveDir: INK_BUILD,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    plugins: [inkPatches()],
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-output-'));
  try {
    const file = join(dir, 'patched.mjs');
    writeFileSync(file, out.outputFiles[0].text);
    const m = await import(pathToFileURL(file).href);
    Patched = m.Patched;
    ansi = { tokenize: m.tokenize, styledCharsFromTokens: m.styledCharsFromTokens, styledCharsToString: m.styledCharsToString };
    widestLine = m.widestLine;
    stringWidth = m.stringWidth;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function run(C: OutputClass, f: Frame) {
  const o = new C({ width: f.width, height: f.height });
  o.operations = f.operations.slice();
  return o.get();
}

function assertSame(frames: Frame[], what: string): void {
  for (const [i, f] of frames.entries()) {
    const want = f.want ?? run(InkOutput, f);
    const got = run(Patched, f);
    assert.equal(got.height, want.height, `${what}: frame ${i} height`);
    assert.equal(JSON.stringify(got.output), JSON.stringify(want.output), `${what}: frame ${i} (${f.width}×${f.height})`);
  }
}

// --- real frames: the App rendered by Ink, every Output Ink builds recorded ----------------------



const WIDE_SERVICE = '日本語サービス 7000/tcp\nçafé-ünï 7001/tcp';

/** Renders the App over a scripted store and returns every frame's Output operations. */
async function appFrames(columns: number, rows: number, theme: { color: boolean; ascii: boolean }, keys: string[]): Promise<Frame[]> {
  const frames: Frame[] = [];
  const proto = InkOutput.prototype as OutputLike & { width: number; height: number };
  const get = proto.get;
  proto.get = function (this: OutputLike & { width: number; height: number }) {
    const frame: Frame = { width: this.width, height: this.height, operations: this.operations.slice() };
    frame.want = get.call(this);
    frames.push(frame);
    return frame.want;
  };
  try {
    const script = new SnapshotScript({ seed: columns * rows, sockets: 12_000, rows: 60, services: WIDE_SERVICE });
    const store = new ScriptedStore(script.next());
    const stdin = new FakeStdin();
    const screen = new ScreenWriter(new FakeTerminal(columns, rows) as unknown as NodeJS.WriteStream);
    const instance = render(
      <ThemeContext.Provider value={theme}>
        <App store={store} host="box-日本" os="Linux 6.18" services={script.services} initial={initialViewState({ intervalMs: 1000 })} onQuit={() => {}} />
      </ThemeContext.Provider>,
      { stdout: screen as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false },
    );
    await sleep(10);
    for (const k of ['', ...keys]) {
      if (k) stdin.write(k);
      await sleep(2);
      store.publish(script.next());
      await sleep(2);
    }
    instance.unmount();
  } finally {
    proto.get = get;
  }
  return frames;
}

// move the selection (inverse row) onto the wide-character service, change the pane, sort, trend,
// hide zeros, pause, help (and scroll it), the filter prompt, a drill-down
const KEYS = ['j', 'j', 'j', 'G', 'g', 's', 'S', 't', 'z', '\t', 'j', '\t', '\t', ' ', ' ', '?', 'j', 'j', '\x1b', '/', 'c', 'w', ' ', 'x', '\x1b', '\r', '\x1b'];
const FEW_KEYS = ['j', 's', '\t', '?', '\x1b', '/', 'x', '\x1b'];

for (const [columns, rows] of [[120, 40], [80, 24], [100, 30]]) {
  for (const theme of [{ color: true, ascii: false }, { color: false, ascii: false }, { color: true, ascii: true }, { color: false, ascii: true }]) {
    const keys = theme.color && !theme.ascii ? KEYS : FEW_KEYS;
    test(`App frames at ${columns}×${rows} (colour ${theme.color}, ascii ${theme.ascii}): byte-identical, on the fast path`, async () => {
      const frames = await appFrames(columns, rows, theme, keys);
      assert.ok(frames.length > keys.length, `frames rendered (${frames.length})`);
      const before = { ...Patched.stats! };
      assertSame(frames, 'App');
      assert.equal(Patched.stats!.slow - before.slow, 0, 'every App frame took the fast path');
      assert.equal(Patched.stats!.fast - before.fast, frames.length);
      const all = frames.map((f) => f.want!.output).join('\n');
      assert.match(all, /\x1b\[7m/, 'an inverse (selected) row was drawn');
      assert.match(all, /日本語サービス|日本語サー/, 'a wide-character service was drawn');
    });
  }
}

test('a terminal too small for the layout', async () => {
  assertSame(await appFrames(50, 10, { color: true, ascii: false }, []), 'too small');
});

// --- hand-made frames: the edges, and the frames that must take Ink's own path ------------------

const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
const inv = (s: string) => `\x1b[7m${s}\x1b[27m`;
const w = (x: number, y: number, text: string, transformers: Transformer[] = []): Op => ({ type: 'write', x, y, text, transformers });

test('edge cases: byte-identical', () => {
  const frames: Frame[] = [
    { width: 10, height: 3, operations: [] },
    { width: 0, height: 0, operations: [] },
    { width: 10, height: 3, operations: [w(0, 0, 'abc   '), w(0, 1, inv('abc   ')), w(0, 2, '   ')] },
    { width: 5, height: 2, operations: [w(0, 0, 'far longer than the width'), w(0, 1, bold('also longer than five'))] },
    { width: 8, height: 4, operations: [w(0, 0, 'two\nlines'), w(0, 2, 'x\n\ny')] },
    { width: 8, height: 2, operations: [w(0, 1, 'a\nb\nc')] }, // runs past the last row
    { width: 8, height: 2, operations: [w(0, -1, 'a\nb\nc'), w(0, 1.5, 'q'), w(0, 2, 'z')] }, // no such rows
    { width: 10, height: 2, operations: [w(3, 0, 'indent'), w(10, 1, 'at the edge')] },
    { width: 10, height: 2, operations: [w(0, 0, '日本語x'), w(0, 1, bold('ab日本'))] },
    { width: 6, height: 1, operations: [w(0, 0, 'abcd日本')] }, // a wide character over the edge
    { width: 10, height: 1, operations: [w(0, 0, 'e\u0301 ✗ ✓ 👍🏽 🇩🇪 a\u200db')] },
    { width: 20, height: 1, operations: [w(0, 0, '\x1b[38;5;196mred\x1b[39m \x1b[48;2;1;2;3mbg\x1b[49m \x1b[1;4;31mmix\x1b[0m')] },
    { width: 20, height: 1, operations: [w(0, 0, '\x1b]8;;https://x.io\x07link\x1b]8;;\x07 after')] },
    { width: 20, height: 1, operations: [w(0, 0, '\x1b[1m\x1b[1mdup\x1b[2mdim\x1b[22m \x1b[mreset')] },
    { width: 20, height: 1, operations: [w(0, 0, 'tab\there\x1b[31m')] },
    { width: 12, height: 2, operations: [w(0, 0, 'ab', [(l) => bold(l)]), w(0, 1, 'x\ny', [(l, i) => `${i}:${l}`])] },
  ];
  assertSame(frames, 'edges');
});

test("frames with overlapping writes, clips, odd coordinates or a transformer's newline take Ink's path", () => {
  const frames: Frame[] = [
    { width: 10, height: 2, operations: [w(0, 0, 'aaaaaaaa'), w(2, 0, bold('bb'))] },
    { width: 10, height: 2, operations: [w(0, 0, 'a\nb'), w(0, 1, 'c')] },
    { width: 10, height: 2, operations: [{ type: 'clip', clip: { x1: 1, x2: 4, y1: undefined, y2: undefined } }, w(0, 0, 'clipped text'), { type: 'unclip' }] },
    { width: 10, height: 1, operations: [w(12, 0, 'beyond')] },
    { width: 10, height: 1, operations: [w(-2, 0, 'left')] },
    { width: 10, height: 1, operations: [w(1.5, 0, 'half')] },
    { width: 10, height: 1, operations: [w(0, 0, 'nl', [(l) => `${l}\nx`])] },
  ];
  const slow = Patched.stats!.slow;
  assertSame(frames, 'slow path');
  assert.equal(Patched.stats!.slow - slow, frames.length);
});

// --- random frames and lines -------------------------------------------------------------------

const PIECES = [
  'a', 'Z', ' ', '  ', '0', 'm', '[', ';', '~', '·', '…', '→', '⇄', '█', '▏', '▁', '▼', '▲', '✓', '✗', '─', '×',
  '日', '本', 'é', 'e\u0301', '\u0301', '\u200d', '👍', '🏽', '🇩', '🇪', '\t', '\u00ad', '\u200b', 'ᄀ', 'ᅡ', '｡',
  '\x1b[1m', '\x1b[22m', '\x1b[2m', '\x1b[7m', '\x1b[27m', '\x1b[4m', '\x1b[24m', '\x1b[31m', '\x1b[32m', '\x1b[39m',
  '\x1b[90m', '\x1b[0m', '\x1b[m', '\x1b[1;31m', '\x1b[38;5;33m', '\x1b[48;2;1;2;3m', '\x1b[49m', '\x1b[12345m', '\x1b[', '\x1b',
  '\x9b31m', '\x1b]8;;u\x07', '\x1b]8;;\x07', '\x1b[2J', '\x1b[?25l',
];
const lineArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(''));
const plainLineArb = fc
  .array(fc.constantFrom(...PIECES.filter((p) => /^(?:\x1b\[[0-9;]*m|[\x20-\x7e·×…←-↓⇄─-▟▲▼✓✗])+$/.test(p))), { maxLength: 60 })
  .map((a) => a.join(''));

test('styledLine is what Ink makes of a line (random lines)', () => {
  const ink = (s: string) => ansi.styledCharsToString(ansi.styledCharsFromTokens(ansi.tokenize(s)));
  fc.assert(fc.property(fc.oneof(lineArb, plainLineArb), (s) => styledLine(ansi, s) === ink(s)), { numRuns: 3000 });
});

test('the remembered widest-line is widest-line (random texts)', () => {
  const memo = memoWidestLine((s) => widestLine(s));
  fc.assert(
    fc.property(fc.array(fc.oneof(lineArb, plainLineArb), { minLength: 1, maxLength: 3 }), (ls) => {
      const s = ls.join('\n');
      return memo(s) === widestLine(s) && memo(s) === widestLine(s);
    }),
    { numRuns: 3000 },
  );
});

test('random frames: byte-identical', () => {
  const opArb = fc.record({
    x: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 14 })),
    y: fc.integer({ min: -1, max: 6 }),
    lines: fc.array(fc.oneof(lineArb, plainLineArb), { minLength: 1, maxLength: 3 }),
    style: fc.constantFrom('', 'bold', 'inverse'),
  });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 6 }), fc.array(opArb, { maxLength: 6 }), (width, height, ops) => {
      const f: Frame = {
        width,
        height,
        operations: ops
          .map((o) => w(o.x, o.y, o.lines.join('\n'), o.style === 'bold' ? [(l) => bold(l)] : o.style === 'inverse' ? [(l) => inv(l)] : []))
          .filter((o) => o.type === 'write' && o.text !== ''),
      };
      const want = run(InkOutput, f);
      const got = run(Patched, f);
      return got.output === want.output && got.height === want.height;
    }),
    { numRuns: 2000 },
  );
});

// --- the plain characters: one grapheme each, one cell each ------------------------------------

test('plain characters are graphemes of their own, one cell wide, whatever their neighbours', () => {
  const plain: string[] = [];
  for (const [a, b] of PLAIN_RANGES) for (let c = a; c <= b; c++) plain.push(String.fromCharCode(c));
  assert.ok(plain.length > 95);
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const c of plain) {
    assert.equal(stringWidth(c), 1, `width of U+${c.charCodeAt(0).toString(16)}`);
    assert.doesNotMatch(c, /\p{Extended_Pictographic}/u);
  }
  for (const a of [...plain, '\x1b']) {
    for (const b of [...plain, '\x1b']) assert.equal([...seg.segment(a + b)].length, 2, `U+${a.charCodeAt(0).toString(16)} U+${b.charCodeAt(0).toString(16)}`);
  }
});

after(() => {
  // the counters the benchmark reads (bench/ui-frame.ts) are registered by the patched class
  assert.ok((globalThis as Record<symbol, unknown>)[Symbol.for('tcptally.fastOutput.stats')]);
});
