/**
 * What Ink renders into: a stand-in stdout that receives whole frames (Ink's debug mode writes each
 * frame as is) and puts on the real terminal only the lines that changed, addressed absolutely — we own
 * the alternate screen, so a line is `ESC[row;1H` + text + erase-to-end. On a slow SSH link every write
 * blocks Node, so a frame where ten numbers changed costs ten lines, not the screen. (Ink 6.8's own
 * incremental mode is off by one line when frames end with a newline.)
 */

import { EventEmitter } from 'node:events';

const BSU = '\x1b[?2026h'; // synchronized update: the terminal shows the frame whole
const ESU = '\x1b[?2026l';

export class ScreenWriter extends EventEmitter {
  readonly isTTY = true;
  private prev: string[] = [];
  private clearNext = true;
  /** Bytes written to the terminal, for tests and the benchmark. */
  bytesWritten = 0;

  constructor(private readonly out: NodeJS.WriteStream) {
    super();
    out.on('resize', this.onResize);
  }

  private onResize = (): void => {
    this.prev = [];
    this.clearNext = true;
    this.emit('resize');
  };

  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  /** Called by Ink with one whole frame. */
  write(frame: string): boolean {
    const text = diffFrame(this.prev, frame, this.clearNext);
    this.clearNext = false;
    this.prev = frame.split('\n');
    if (text) {
      this.bytesWritten += Buffer.byteLength(text);
      this.out.write(text);
    }
    return true;
  }

  dispose(): void {
    this.out.off('resize', this.onResize);
  }
}

/** The bytes that turn the screen showing `prev` lines into `frame` (empty when nothing changed). */
export function diffFrame(prev: readonly string[], frame: string, clear = false): string {
  const lines = frame.split('\n');
  let body = clear ? '\x1b[H\x1b[2J' : '';
  for (let i = 0; i < lines.length; i++) {
    if (!clear && lines[i] === prev[i]) continue;
    body += `\x1b[${i + 1};1H${lines[i]}\x1b[0m\x1b[K`;
  }
  if (!clear) for (let i = lines.length; i < prev.length; i++) body += `\x1b[${i + 1};1H\x1b[K`;
  return body ? BSU + body + ESU : '';
}
