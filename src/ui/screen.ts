/**
 * What Ink renders into: a stand-in stdout that receives whole frames (Ink's debug mode writes each
 * frame as is) and puts on the real terminal only the lines that changed, addressed absolutely — we own
 * the alternate screen, so a line is `ESC[row;1H` + text + erase-to-end. On a slow SSH link every write
 * blocks Node, so a frame where ten numbers changed costs ten lines, not the screen. (Ink 6.8's own
 * incremental mode is off by one line when frames end with a newline.)
 *
 * Diffing is only right while the screen shows exactly the previous frame, so:
 * - every frame is cut to the terminal (rows − 1 lines, `columns` cells a line): a line that wrapped or
 *   a line below the last row (the cursor stays on the last row) would leave the screen unlike the
 *   frame we remember;
 * - a resize clears the screen and the next frame is drawn whole, whatever the terminal did to the old
 *   one (cut it, reflowed it, added blank rows);
 * - Ink's own resize handler re-renders the *old* React tree at the new width, synchronously inside
 *   our 'resize' event; that frame is held back (the app re-renders for the new size right after), and
 *   drawn only if no newer frame follows;
 * - writes that are not frames (Ink's log.clear() writes '' when the width shrinks; cursor show/hide)
 *   are ignored, and after dispose() nothing is written (Ink shows the cursor in an unmount effect that
 *   runs after we have left the alternate screen).
 */

import { EventEmitter } from 'node:events';
import stringWidth from 'string-width';
import { sliceToWidth } from './format.js';

const BSU = '\x1b[?2026h'; // synchronized update: the terminal shows the frame whole
const ESU = '\x1b[?2026l';
/** How long a frame held back by a resize waits for the app's own re-render. */
const HELD_FRAME_MS = 50;

export class ScreenWriter extends EventEmitter {
  readonly isTTY = true;
  private prev: string[] = [];
  private clearNext = true;
  private resizing = false;
  private held: string | null = null;
  private heldTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Bytes written to the terminal, for tests and the benchmark. */
  bytesWritten = 0;

  constructor(private readonly out: NodeJS.WriteStream) {
    super();
    out.on('resize', this.onResize);
  }

  private onResize = (): void => {
    if (this.disposed) return;
    this.prev = [];
    this.clearNext = true;
    this.resizing = true;
    try {
      this.emit('resize');
    } finally {
      this.resizing = false;
    }
    if (this.held !== null) {
      clearTimeout(this.heldTimer);
      this.heldTimer = setTimeout(() => {
        const frame = this.held;
        this.held = null;
        if (frame !== null && !this.disposed) this.paint(frame);
      }, HELD_FRAME_MS);
      this.heldTimer.unref();
    }
  };

  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  /** Called by Ink with one whole frame (and, rarely, with things that are not frames: ignored). */
  write(frame: string, encodingOrCallback?: BufferEncoding | (() => void), callback?: () => void): boolean {
    const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (cb) queueMicrotask(cb); // Ink's unmount waits on an empty write as a barrier
    if (this.disposed || !isFrame(frame)) return true;
    if (this.resizing) {
      this.held = frame;
      return true;
    }
    if (this.held !== null) {
      this.held = null;
      clearTimeout(this.heldTimer);
    }
    this.paint(frame);
    return true;
  }

  private paint(frame: string): void {
    const lines = frame.split('\n');
    const last = Math.max(1, this.rows - 1);
    if (lines.length > last) lines.length = last;
    const text = diffLines(this.prev, lines, this.clearNext, this.columns);
    this.clearNext = false;
    this.prev = lines;
    if (text) {
      this.bytesWritten += Buffer.byteLength(text);
      this.out.write(text);
    }
  }

  /** Stops writing for good (the terminal is being restored or is gone). */
  dispose(): void {
    this.disposed = true;
    this.held = null;
    clearTimeout(this.heldTimer);
    this.out.off('resize', this.onResize);
  }
}

/** Cursor and mode sequences alone (or nothing): what Ink writes besides frames. */
const NOT_A_FRAME = /^(?:\x1b\[[0-9;?]*[A-Za-z])*$/;

function isFrame(s: string): boolean {
  return !NOT_A_FRAME.test(s);
}

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/**
 * `line` cut to `columns` cells; escape sequences are kept (they take no cells). Cheap for what the
 * dashboard draws: a line no longer than the terminal in UTF-16 units, without characters from U+1100
 * up (where the wide ones are) other than punctuation, arrows, box drawing and blocks, fits.
 */
export function fitLine(line: string, columns: number): string {
  if (columns === Infinity || (line.length <= columns && !mayBeWide(line))) return line;
  if (stringWidth(line) <= columns) return line;
  let out = '';
  let used = 0;
  let at = 0;
  for (const m of line.matchAll(ANSI)) {
    if (used < columns) {
      const text = sliceToWidth(line.slice(at, m.index), columns - used);
      out += text;
      used += stringWidth(text);
      if (text.length < m.index - at) used = columns; // cut here: nothing more fits
    }
    out += m[0];
    at = m.index + m[0].length;
  }
  if (used < columns) out += sliceToWidth(line.slice(at), columns - used);
  return out;
}

function mayBeWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x1100 || (c >= 0x2010 && c < 0x2028) || (c >= 0x2190 && c < 0x2200) || (c >= 0x2500 && c < 0x25fd)) continue;
    if (c >= 0xd800 && c < 0xe000) continue; // a surrogate pair: two units, at most two cells
    return true;
  }
  return false;
}

/**
 * The bytes that turn the screen showing `prev` lines into `lines` (empty when nothing changed);
 * `clear` erases the screen first and draws every line. Each line drawn is cut to `columns` cells.
 */
function diffLines(prev: readonly string[], lines: readonly string[], clear = false, columns = Infinity): string {
  let body = clear ? '\x1b[H\x1b[2J' : '';
  for (let i = 0; i < lines.length; i++) {
    if (!clear && lines[i] === prev[i]) continue;
    body += `\x1b[${i + 1};1H${fitLine(lines[i], columns)}\x1b[0m\x1b[K`;
  }
  if (!clear) for (let i = lines.length; i < prev.length; i++) body += `\x1b[${i + 1};1H\x1b[K`;
  return body ? BSU + body + ESU : '';
}

/** diffLines over a frame's text. */
export function diffFrame(prev: readonly string[], frame: string, clear = false, columns = Infinity): string {
  return diffLines(prev, frame.split('\n'), clear, columns);
}
