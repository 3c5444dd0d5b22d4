/** A terminal for rendering Ink without one: an output that counts bytes, an input that types on request. */

import { EventEmitter } from 'node:events';

export class FakeTerminal extends EventEmitter {
  readonly isTTY = true;
  bytes = 0;
  constructor(readonly columns: number, readonly rows: number) {
    super();
  }
  write(s: string): boolean {
    this.bytes += Buffer.byteLength(s);
    return true;
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private data: string | null = null;
  /** Types `s` (Ink reads it on 'readable'). */
  write(s: string): void {
    this.data = s;
    this.emit('readable');
  }
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
