/**
 * The recording format (--record / --replay): pure encoding and decoding, no I/O.
 *
 * A recording is NDJSON: a header line, then one line per sample.
 *   {"tcptally":"recording","format":1,"version":"0.1.0","host":"db1","kernel":"Linux 6.18.0","start":"…Z","top":200}
 *   {"time":1764142863000,"tally":{"states":[0,3,0,0,0,0,12],"scanned":15,…},"source":"netlink",…}
 *
 * A sample line is the Snapshot as readers see it, minus what replay recomputes: `seq` and
 * `viewVersion` (the replay numbers its own), `trend` (rebuilt from the recorded samples), `deltas`
 * (from the previous line's states) and `rates` (from the previous line's counters). Every list of the
 * tally is cut to the header's `top` rows (the counts say how long it was); a count row's `states`
 * loses its trailing zeros and its `total` when it equals the sum of its states. The kernel counters
 * (a hundred names, most of a line) are whole on a file's first sample line and on every
 * KEYFRAME_EVERY-th; the lines between carry `countersChanged`: only the counters whose value changed
 * since the line before (null: gone). The alerts' log (up to 200 events) is written when it changed
 * since the line before, else the line says `"alertsLogSame":true` and its `alerts` has no `log`.
 * Every other field is
 * carried as it is, also the ones this module does not know: a field added to Snapshot is recorded and
 * replayed without a change here (as long as it is plain JSON data).
 *
 * `time` and `tally.states` come first on each line, so that a replay can index a large file (times
 * and per-state counts for the trend) without parsing every line (see quickIndex).
 */

import type { Counters } from './counters.js';
import { STATE_SLOTS } from './states.js';
import type { Snapshot } from '../store/store.js';

export const RECORDING_FORMAT = 1;
/** Rows per list a recording keeps (the dashboard's own cut). */
export const RECORD_TOP = 200;
/** A sample line with all of its counters at least this often (the others carry the changed ones). */
export const KEYFRAME_EVERY = 60;

export interface RecordingHeader {
  tcptally: 'recording';
  format: number;
  /** tcptally's version that wrote it. */
  version: string;
  host: string;
  kernel: string;
  /** ISO time the file was started. */
  start: string;
  /** Rows kept per list. */
  top: number;
}

/** Why a file cannot be replayed: one line for the user. */
export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

/** Fields of a Snapshot that are not recorded (replay recomputes them). */
const DROPPED = new Set(['seq', 'viewVersion', 'trend', 'deltas', 'rates', 'replay']);
/** Tally lists cut to `top` rows. */
const CUT_LISTS = new Set(['ports', 'peers', 'peerPorts', 'processes']);
/** Timings: three decimals are more than they are worth. */
const ROUNDED = new Set(['sampleMs', 'readMs', 'tallyMs']);

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function encodeHeader(h: Omit<RecordingHeader, 'tcptally' | 'format'>): string {
  const header: RecordingHeader = { tcptally: 'recording', format: RECORDING_FORMAT, ...h };
  return JSON.stringify(header);
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCountRow = (x: unknown): x is Obj & { states: number[]; total: number } =>
  isObj(x) && Array.isArray(x.states) && typeof x.total === 'number';

function sum(a: readonly number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

/** A count row's states without trailing zeros, its total only when it is not their sum; other fields as they are. */
function compactRow(r: Obj & { states: number[]; total: number }): Obj {
  let n = r.states.length;
  while (n > 0 && !r.states[n - 1]) n--;
  const { states, total, ...rest } = r;
  const out: Obj = { states: states.slice(0, n) };
  if (total !== sum(states)) out.total = total;
  return Object.assign(out, rest);
}

function expandRow(r: Obj): Obj {
  const short = r.states as number[];
  const states = new Array<number>(Math.max(STATE_SLOTS, short.length)).fill(0);
  for (let i = 0; i < short.length; i++) states[i] = short[i];
  return { ...r, states, total: typeof r.total === 'number' ? r.total : sum(states) };
}

function mapRows(list: unknown[], fn: (r: Obj & { states: number[]; total: number }) => Obj): unknown[] {
  return list.map((r) => (isCountRow(r) ? fn(r) : r));
}

/** The counters of `cur` whose value differs from `prev` (null: gone from `cur`). */
export function changedCounters(prev: Counters, cur: Counters): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(cur)) if (prev[k] !== v) out[k] = v;
  for (const k of Object.keys(prev)) if (!(k in cur)) out[k] = null;
  return out;
}

/** A sample's alerts log as JSON (what encodeSample compares with the line before's), null without one. */
export function alertsLogJson(s: Snapshot): string | null {
  const a = (s as unknown as Obj).alerts;
  return isObj(a) && Array.isArray(a.log) ? JSON.stringify(a.log) : null;
}

/**
 * One sample line (no newline). With `prevCounters` (the counters of the line written before it in the
 * same file) the line carries only the changed counters; with `prevAlertsLog` (alertsLogJson of that
 * line) an alerts log equal to it is left out.
 */
export function encodeSample(s: Snapshot, top = RECORD_TOP, prevCounters: Counters | null = null, prevAlertsLog: string | null = null): string {
  const t = s.tally as unknown as Obj & { states: number[]; total: number };
  const tally: Obj = compactRow(t);
  for (const [k, v] of Object.entries(tally)) {
    if (!Array.isArray(v)) {
      if (isCountRow(v)) tally[k] = compactRow(v); // focusPort
      continue;
    }
    tally[k] = mapRows(CUT_LISTS.has(k) && v.length > top ? v.slice(0, top) : v, compactRow);
  }
  const out: Obj = { time: s.time, tally };
  for (const [k, v] of Object.entries(s)) {
    if (k === 'time' || k === 'tally' || DROPPED.has(k) || v === undefined) continue;
    if (k === 'counters' && prevCounters) out.countersChanged = changedCounters(prevCounters, v as Counters);
    else if (k === 'alerts' && prevAlertsLog !== null && isObj(v) && Array.isArray(v.log) && JSON.stringify(v.log) === prevAlertsLog) {
      const { log: _, ...rest } = v;
      out.alerts = rest;
      out.alertsLogSame = true;
    } else out[k] = ROUNDED.has(k) && typeof v === 'number' ? round3(v) : v;
  }
  return JSON.stringify(out);
}

/** A recorded sample: a Snapshot without what replay recomputes (seq, viewVersion, trend, deltas, rates). */
export type RecordedSample = Omit<Snapshot, 'seq' | 'viewVersion' | 'trend' | 'deltas' | 'rates'>;

/** Whether a line's alerts log is the line before's (it is not written). */
export function hasSameAlertsLog(line: string): boolean {
  return line.includes('"alertsLogSame":true');
}

/** Whether a line carries only the changed counters (it needs the counters of the line before it). */
export function hasCounterChanges(line: string): boolean {
  return line.includes('"countersChanged":');
}

/** The flat object after `"key":` in a line (counters: names and numbers, no nesting), or null. */
function flatObject(line: string, key: string): Record<string, number | null> | null {
  const at = line.indexOf(`"${key}":{`);
  if (at < 0) return null;
  const start = at + key.length + 3;
  const end = line.indexOf('}', start);
  if (end < 0) return null;
  try {
    return JSON.parse(line.slice(start, end + 1)) as Record<string, number | null>;
  } catch {
    return null;
  }
}

/**
 * A line's counters without decoding the rest of it (what following a chain of changed counters back
 * to a line with all of them needs): `prevCounters` are the counters of the line before.
 */
export function countersOfLine(line: string, prevCounters: Counters | null): Counters {
  const changed = flatObject(line, 'countersChanged');
  const whole = changed ? null : flatObject(line, 'counters');
  if (!changed && !whole) return decodeSample(line, prevCounters ?? {}).counters; // not as written: the long way
  if (whole) return whole as Counters;
  const out: Counters = { ...(prevCounters ?? {}) };
  for (const [k, v] of Object.entries(changed!)) {
    if (typeof v === 'number') out[k] = v;
    else delete out[k];
  }
  return out;
}

/**
 * Decodes one sample line; a RecordingError when it is not one. A line with `countersChanged` needs the
 * counters of the line before it (`prevCounters`); one with `alertsLogSame`, the alerts log it repeats.
 */
export function decodeSample(line: string, prevCounters: Counters | null = null, alertsLog: unknown[] | null = null): RecordedSample {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new RecordingError('not a JSON line');
  }
  if (!isObj(o) || typeof o.time !== 'number' || !isCountRow({ total: 0, ...(isObj(o.tally) ? o.tally : {}) })) {
    throw new RecordingError('not a sample line');
  }
  if (isObj(o.countersChanged)) {
    if (!prevCounters) throw new RecordingError('changed counters without the counters before them');
    const counters: Counters = { ...prevCounters };
    for (const [k, v] of Object.entries(o.countersChanged)) {
      if (typeof v === 'number') counters[k] = v;
      else delete counters[k];
    }
    const { countersChanged: _, ...rest } = o;
    o = { ...rest, counters };
  }
  if ((o as Obj).alertsLogSame === true) {
    if (!alertsLog) throw new RecordingError('an alerts log "as before" without the log before it');
    const { alertsLogSame: _, ...rest } = o as Obj;
    o = { ...rest, alerts: { ...(isObj(rest.alerts) ? rest.alerts : {}), log: alertsLog } };
  }
  const tally = expandRow((o as Obj).tally as Obj);
  for (const [k, v] of Object.entries(tally)) {
    if (k === 'states') continue;
    if (Array.isArray(v)) tally[k] = v.map((r) => (isObj(r) && Array.isArray(r.states) ? expandRow(r) : r));
    else if (isObj(v) && Array.isArray(v.states)) tally[k] = expandRow(v);
  }
  return { ...(o as Obj), tally } as unknown as RecordedSample;
}

/** Decodes the header line; a RecordingError saying what is wrong (not a recording, another format). */
export function decodeHeader(line: string): RecordingHeader {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    o = null;
  }
  if (!isObj(o) || o.tcptally !== 'recording') throw new RecordingError('not a tcptally recording (no header line)');
  if (o.format !== RECORDING_FORMAT) {
    throw new RecordingError(`recording format ${String(o.format)} is not supported (this tcptally reads format ${RECORDING_FORMAT})`);
  }
  return o as unknown as RecordingHeader;
}

const QUICK = /^\{"time":(\d+(?:\.\d+)?),"tally":\{"states":\[([\d,]*)\]/;

/**
 * A line's time and per-state counts without parsing the whole line (null when the line does not start
 * as encodeSample writes it): what a replay needs of every line for its index and trend.
 */
export function quickIndex(line: string): { time: number; states: number[] } | null {
  const m = QUICK.exec(line.length > 300 ? line.slice(0, 300) : line);
  if (!m) return null;
  const states = new Array<number>(STATE_SLOTS).fill(0);
  if (m[2]) m[2].split(',').forEach((x, i) => { if (i < STATE_SLOTS) states[i] = Number(x); });
  return { time: Number(m[1]), states };
}

export interface ParsedRecording {
  header: RecordingHeader;
  /** The sample lines, whole ones only, in file order. */
  lines: string[];
  /** The last line was cut (written while the recorder stopped): it is left out. */
  cut: boolean;
}

/**
 * Splits a recording's text into its header and sample lines. A last line without its newline that is
 * not valid JSON was cut short: it is left out and `cut` says so. Empty lines are skipped. The header
 * must be the first line.
 */
export function splitRecording(text: string): ParsedRecording {
  const parts = text.split('\n');
  const tail = parts.pop()!; // after the last newline: '' for a whole file
  let cut = false;
  if (tail !== '') {
    try {
      JSON.parse(tail);
      parts.push(tail); // only the newline is missing
    } catch {
      cut = true;
    }
  }
  const nonEmpty = parts.filter((l) => l !== '');
  if (nonEmpty.length === 0) {
    if (cut) throw new RecordingError('not a tcptally recording (its only line is cut short)');
    throw new RecordingError('empty file: not a tcptally recording');
  }
  const header = decodeHeader(nonEmpty[0]);
  return { header, lines: nonEmpty.slice(1), cut };
}

/** A recording's index: per sample line its time and per-state counts (for seeking and the trend). */
export interface RecordingIndex {
  lines: string[];
  times: Float64Array;
  /** states[i] = sample i's per-state counts (STATE_SLOTS long). */
  states: number[][];
  /** Lines that are not samples (left out). */
  skipped: number;
}

/** Indexes the sample lines (quickly, by their start; a line that does not start as written is parsed). */
export function indexRecording(lines: readonly string[]): RecordingIndex {
  const kept: string[] = [];
  const times: number[] = [];
  const states: number[][] = [];
  let skipped = 0;
  for (const line of lines) {
    let q = quickIndex(line);
    if (!q) {
      try {
        const s = decodeSample(line, {}, []); // its counters and alerts do not matter here
        q = { time: s.time, states: s.tally.states };
      } catch {
        skipped++;
        continue;
      }
    }
    kept.push(line);
    times.push(q.time);
    states.push(q.states);
  }
  return { lines: kept, times: Float64Array.from(times), states, skipped };
}
