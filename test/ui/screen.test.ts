import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventEmitter } from 'node:events';
import { diffFrame, ScreenWriter } from '../../src/ui/screen.js';

const BSU = '\x1b[?2026h', ESU = '\x1b[?2026l';

test('only changed lines are written, addressed absolutely', () => {
  assert.equal(diffFrame(['a', 'b', 'c'], 'a\nB\nc'), `${BSU}\x1b[2;1HB\x1b[0m\x1b[K${ESU}`);
});

test('an unchanged frame writes nothing', () => {
  assert.equal(diffFrame(['a', 'b'], 'a\nb'), '');
});

test('lines the new frame no longer has are erased', () => {
  assert.equal(diffFrame(['a', 'b', 'c'], 'a'), `${BSU}\x1b[2;1H\x1b[K\x1b[3;1H\x1b[K${ESU}`);
});

test('after a clear (first frame, resize) every line is drawn', () => {
  assert.equal(diffFrame(['a', 'b'], 'a\nb', true), `${BSU}\x1b[H\x1b[2J\x1b[1;1Ha\x1b[0m\x1b[K\x1b[2;1Hb\x1b[0m\x1b[K${ESU}`);
});

/** A stand-in terminal: size, resize events, and what was written to it. */
class FakeTerminal extends EventEmitter {
  written = '';
  constructor(public columns: number, public rows: number) {
    super();
  }
  write(s: string): boolean {
    this.written += s;
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  take(): string {
    const s = this.written;
    this.written = '';
    return s;
  }
}

const writer = (columns = 20, rows = 6) => {
  const term = new FakeTerminal(columns, rows);
  return { term, screen: new ScreenWriter(term as unknown as NodeJS.WriteStream) };
};
const CLEAR = '\x1b[H\x1b[2J';
const line = (row: number, text: string) => `\x1b[${row};1H${text}\x1b[0m\x1b[K`;

test('after a resize the next frame rewrites every line, even lines whose text did not change', () => {
  const { term, screen } = writer(20, 6);
  screen.write('head\nrow a\nrow b');
  screen.write('head\nrow a\nrow b');
  term.take();
  term.resize(16, 5);
  screen.write(''); // Ink's log.clear() on a narrower terminal writes an empty string: not a frame
  assert.equal(term.take(), '');
  screen.write('head\nrow a\nrow b');
  assert.equal(term.take(), `${BSU}${CLEAR}${line(1, 'head')}${line(2, 'row a')}${line(3, 'row b')}${ESU}`);
  screen.write('head\nrow A\nrow b');
  assert.equal(term.take(), `${BSU}${line(2, 'row A')}${ESU}`, 'then only changes again');
});

test("the frame Ink redraws inside the resize event (the old tree at the new width) never reaches the terminal", () => {
  const { term, screen } = writer(30, 8);
  screen.write('a\nb');
  term.take();
  // Ink listens to the writer's resize and re-renders the old React tree at once, synchronously
  screen.on('resize', () => screen.write('old tree, as wide as before the resize\n1\n2\n3\n4\n5\n6\n7'));
  term.resize(10, 4);
  assert.equal(term.take(), '', 'held back: the app re-renders for the new size next');
  screen.write('new\nb');
  assert.equal(term.take(), `${BSU}${CLEAR}${line(1, 'new')}${line(2, 'b')}${ESU}`);
});

test('a frame is cut to the terminal: at most rows − 1 lines, each at most columns cells (wide and styled text too)', () => {
  const { term, screen } = writer(6, 4);
  screen.write('abcdefghij\n\x1b[1mbold text\x1b[22m\n日本語です\nfour\nfive');
  assert.equal(term.take(), `${BSU}${CLEAR}${line(1, 'abcdef')}${line(2, '\x1b[1mbold t\x1b[22m')}${line(3, '日本語')}${ESU}`);
  screen.write('abcdefghij\n\x1b[1mbold text\x1b[22m\n日本語です\nFOUR\nFIVE');
  assert.equal(term.take(), '', 'lines past the last row are not diffed either');
});

test('after dispose nothing reaches the terminal (no stray frame after the alternate screen is left)', () => {
  const { term, screen } = writer();
  screen.write('a\nb');
  term.take();
  screen.dispose();
  screen.write('\x1b[?25h'); // Ink's cursor-show in an unmount effect
  screen.write('c\nd');
  assert.equal(term.take(), '');
  term.resize(10, 4);
  assert.equal(term.take(), '');
});

test('cursor-only writes are not frames: they do not erase the screen', () => {
  const { term, screen } = writer();
  screen.write('a\nb');
  term.take();
  screen.write('\x1b[?25l');
  assert.equal(term.take(), '');
  screen.write('a\nB');
  assert.equal(term.take(), `${BSU}${line(2, 'B')}${ESU}`);
});

test('a frame held back by a resize is drawn whole if the app does not re-render', async () => {
  const { term, screen } = writer(30, 8);
  screen.write('a\nb');
  term.take();
  screen.on('resize', () => screen.write('x\nb'));
  term.resize(20, 6);
  assert.equal(term.take(), '');
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(term.take(), `${BSU}${CLEAR}${line(1, 'x')}${line(2, 'b')}${ESU}`);
  screen.dispose();
});
