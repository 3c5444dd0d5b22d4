/**
 * Recording files on disk: the writer behind --record (one write per line, appended; size-capped,
 * rotating to FILE.1) and the reader behind --replay. The format is src/model/recording.ts.
 */

import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { release, type } from 'node:os';
import {
  alertsLogJson, encodeHeader, encodeSample, indexRecording, KEYFRAME_EVERY, RECORD_TOP, RecordingError, splitRecording, type ParsedRecording, type RecordingHeader,
} from '../model/recording.js';
import { ReplayStore, type ReplayOptions } from './replayStore.js';
import type { Counters } from '../model/counters.js';
import { describeErrno } from '../sources/types.js';
import type { Snapshot } from './store.js';

export { RecordingError } from '../model/recording.js';


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
  /** The counters of the last line written to this file (null: the next line carries all of them). */
  private prevCounters: Counters | null = null;
  /** The alerts log of the last line written to this file, as JSON (null: the next line carries it). */
  private prevAlertsLog: string | null = null;
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
    this.prevCounters = null;
    this.prevAlertsLog = null;
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
    const keyframe = this.samples % KEYFRAME_EVERY === 0;
    const logJson = alertsLogJson(s);
    let line = encodeSample(s, this.top, keyframe ? null : this.prevCounters, keyframe ? null : this.prevAlertsLog);
    if (this.samples > 0 && this.bytes + Buffer.byteLength(line) + 1 > this.opts.maxBytes) {
      this.rotate(); // the new file starts with a whole line
      line = encodeSample(s, this.top);
    }
    this.writeLine(this.fd, line);
    this.samples++;
    this.prevCounters = s.counters;
    this.prevAlertsLog = logJson;
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

/** A recording ready to replay: its store, and what the reader should be told about the file. */
export interface OpenedReplay {
  header: RecordingHeader;
  store: ReplayStore;
  /** The last line was cut short and left out. */
  cut: boolean;
  /** Lines in the middle that are not samples (left out). */
  skipped: number;
}

/** Reads and indexes a recording for replay; a RecordingError (one line) when it cannot be replayed. */
export function openReplay(path: string, opts: ReplayOptions = {}): OpenedReplay {
  const { header, lines, cut } = readRecording(path);
  const index = indexRecording(lines);
  if (index.lines.length === 0) throw new RecordingError(`${path}: no samples recorded${cut ? ' (the only one is cut short)' : ''}`);
  return { header, store: new ReplayStore(header, index, { name: path, ...opts }), cut, skipped: index.skipped };
}
