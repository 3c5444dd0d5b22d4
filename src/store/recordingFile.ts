/**
 * Recording files on disk: the writer behind --record (one write per line, appended; size-capped,
 * rotating to FILE.1) and the reader behind --replay. The format is src/model/recording.ts.
 */

import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { release, type } from 'node:os';
import { encodeHeader, encodeSample, RECORD_TOP, RecordingError, splitRecording, type ParsedRecording } from '../model/recording.js';
import { describeErrno } from '../sources/types.js';
import type { Snapshot } from './store.js';

export { RecordingError } from '../model/recording.js';

/** The default --record-max: 100 MiB. */
export const DEFAULT_RECORD_MAX = 100 * 1024 * 1024;

export interface WriterOptions {
  path: string;
  /** Bytes a file may reach before the next sample goes to a new one (the old one becomes FILE.1). */
  maxBytes: number;
  host: string;
  version: string;
  top?: number;
  /** Epoch ms (tests). */
  now?: () => number;
}

/**
 * Writes a recording: the file is replaced (as `tcpdump -w` does), a header line first, then one
 * line per sample, each with one write() so a crash leaves at most a half line. A sample that would take
 * the file past maxBytes first rotates it: FILE becomes FILE.1 (a previous FILE.1 is replaced) and FILE
 * starts again with its header. Only one sample per `seq` is written (a re-count of the same sample for
 * a new sort or filter is not a new sample). Failures are RecordingErrors naming the file.
 */
export class RecordingWriter {
  private fd: number;
  private bytes = 0;
  private samples = 0;
  private lastSeq = -1;
  private readonly top: number;
  private readonly now: () => number;
  /** Files rotated away so far. */
  rotations = 0;

  constructor(private readonly opts: WriterOptions) {
    this.top = opts.top ?? RECORD_TOP;
    this.now = opts.now ?? Date.now;
    this.fd = this.open();
  }

  private fail(what: string, err: unknown): never {
    throw new RecordingError(`cannot ${what} ${this.opts.path}: ${describeErrno(err)}`);
  }

  private open(): number {
    let fd: number;
    try {
      fd = openSync(this.opts.path, 'w');
    } catch (err) {
      this.fail('write', err);
    }
    this.bytes = 0;
    this.samples = 0;
    const header = encodeHeader({
      version: this.opts.version,
      host: this.opts.host,
      kernel: `${type()} ${release()}`,
      start: new Date(this.now()).toISOString(),
      top: this.top,
    });
    this.writeLine(fd, header);
    return fd;
  }

  private writeLine(fd: number, line: string): void {
    const buf = Buffer.from(`${line}\n`, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      this.fail('write', err);
    }
    this.bytes += buf.length;
  }

  /** Records one sample (a repeat of the last seq is ignored). */
  write(s: Snapshot): void {
    if (s.seq === this.lastSeq) return;
    this.lastSeq = s.seq;
    const line = encodeSample(s, this.top);
    if (this.samples > 0 && this.bytes + Buffer.byteLength(line) + 1 > this.opts.maxBytes) this.rotate();
    this.writeLine(this.fd, line);
    this.samples++;
  }

  private rotate(): void {
    closeSync(this.fd);
    try {
      renameSync(this.opts.path, `${this.opts.path}.1`);
    } catch (err) {
      this.fail('rotate', err);
    }
    this.rotations++;
    this.fd = this.open();
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

/** Reads a recording; RecordingError for a file that cannot be read or is not a recording. */
export function readRecording(path: string): ParsedRecording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RecordingError(`cannot read ${path}: ${describeErrno(err)}`);
  }
  try {
    return splitRecording(text);
  } catch (err) {
    if (err instanceof RecordingError) throw new RecordingError(`${path}: ${err.message}`);
    throw err;
  }
}
