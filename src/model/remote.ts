/**
 * The wire format of a remote host's session (tcptally --ssh), as pure functions over bytes: no I/O.
 *
 * Everything the remote says to us is a line that starts with MARK ("@@tt "), after a newline of its
 * own; whatever else a login shell prints (a motd, an rc file's noise) is ignored. A proc-remote sample
 * is framed by markers, the raw /proc files between them:
 *
 *     @@tt begin 7
 *     @@tt file tcp
 *     <the bytes of /proc/net/tcp>
 *     @@tt file tcp6
 *     <...>
 *     @@tt missing sockstat6           (the file could not be read)
 *     @@tt end 7
 *
 * Markers and not byte lengths: a POSIX shell cannot know a /proc file's length without reading it
 * twice (and it changes between the reads) or a temp file; /proc text never holds a line "@@tt ".
 * Each marker is printed after a newline of its own, so a file without a trailing newline cannot hide it.
 */

export const MARK = '@@tt ';
const NL = 10;

/** A control line: "@@tt VERB REST"; any other line is verb '' with the line (its first 256 bytes) as rest. */
export interface ControlLine {
  kind: 'line';
  verb: string;
  rest: string;
}

/** One proc-remote sample: each file read, by name (tcp, tcp6, snmp, ...), and its bytes on the wire. */
export interface RemoteSample {
  kind: 'sample';
  seq: number;
  files: Map<string, Uint8Array>;
  /** Missing files (unreadable on the remote). */
  missing: Set<string>;
  bytes: number;
}

export type RemoteEvent = ControlLine | RemoteSample;

/**
 * Incremental reader of a session's stdout: push() chunks as they come, get the complete events.
 * Bytes are appended to one growing buffer that is never written over: a sample's files are views
 * into it, valid after later pushes (a compaction moves the unread tail into a new buffer).
 */
export class FrameReader {
  private buf: Buffer = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private pos = 0;
  /** In a sample: its number, where its body starts, where to look for its end marker next. */
  private sample: { seq: number; start: number; scan: number; end: Buffer } | null = null;
  /** The largest line we wait for (a node-remote snapshot); a longer one is dropped. */
  constructor(private readonly maxLine = 64 << 20) {}

  push(chunk: Uint8Array): RemoteEvent[] {
    this.append(chunk);
    const out: RemoteEvent[] = [];
    for (;;) {
      if (this.sample) {
        const s = this.sample;
        const at = this.buf.indexOf(s.end, Math.max(s.start, s.scan));
        if (at < 0 || at + s.end.length > this.len) {
          s.scan = Math.max(s.start, this.len - s.end.length);
          break;
        }
        const body = this.buf.subarray(s.start, at);
        out.push(parseSampleBody(body, s.seq));
        this.pos = at + s.end.length;
        this.sample = null;
        continue;
      }
      const eol = this.buf.indexOf(NL, this.pos);
      if (eol < 0 || eol >= this.len) {
        if (this.len - this.pos > this.maxLine) this.pos = this.len; // an endless line: not ours
        break;
      }
      const line = this.buf.toString('latin1', this.pos, Math.min(eol, this.pos + 256));
      if (line.startsWith(MARK)) {
        const c = parseControl(line);
        if (c.verb === 'begin') {
          const seq = Number(c.rest);
          // the body starts at the newline before the first marker: every marker has its newline
          this.sample = { seq, start: eol, scan: eol, end: Buffer.from(`\n${MARK}end ${seq}\n`, 'latin1') };
          this.pos = eol;
          continue;
        }
        // a long line (a snapshot): the whole of it, not the first 256 bytes
        out.push(eol - this.pos > 256 ? parseControl(this.buf.toString('utf8', this.pos, eol)) : c);
      } else if (line.trim() !== '') {
        // not ours (a login's message: "This account is currently not available."): told as text
        out.push({ kind: 'line', verb: '', rest: line.trim() });
      }
      this.pos = eol + 1;
    }
    return out;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      // keep what is not consumed (and an open sample's body) in a new buffer: the old one stays valid
      // for the views already handed out
      const keep = this.sample ? this.sample.start : this.pos;
      const live = this.len - keep;
      const g = Buffer.allocUnsafe(Math.max(this.buf.length, 2 * (live + chunk.length)));
      this.buf.copy(g, 0, keep, this.len);
      this.buf = g;
      this.len = live;
      this.pos -= keep;
      if (this.sample) {
        this.sample.scan -= keep;
        this.sample.start = 0;
      }
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}

/** "@@tt VERB REST" → its verb and the rest (the line without MARK, split at the first space). */
export function parseControl(line: string): ControlLine {
  const body = line.slice(MARK.length).replace(/\r$/, '');
  const sp = body.indexOf(' ');
  return sp < 0 ? { kind: 'line', verb: body, rest: '' } : { kind: 'line', verb: body.slice(0, sp), rest: body.slice(sp + 1) };
}

const SEP = Buffer.from(`\n${MARK}`, 'latin1');

/** A sample's body (from the newline before its first marker up to its end marker) → its files. */
export function parseSampleBody(body: Uint8Array, seq: number): RemoteSample {
  const files = new Map<string, Uint8Array>();
  const missing = new Set<string>();
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let at = b.indexOf(SEP);
  while (at >= 0) {
    const headStart = at + SEP.length;
    let headEnd = b.indexOf(NL, headStart);
    if (headEnd < 0) headEnd = b.length;
    const next = b.indexOf(SEP, headEnd);
    const contentEnd = next < 0 ? b.length : next;
    const [verb, name] = b.toString('latin1', headStart, headEnd).split(' ');
    if (verb === 'file' && name) files.set(name, b.subarray(Math.min(headEnd + 1, contentEnd), contentEnd));
    else if (verb === 'missing' && name) {
      files.delete(name);
      missing.add(name);
    }
    at = next;
  }
  return { kind: 'sample', seq, files, missing, bytes: body.byteLength };
}

/** Machines (uname -m) whose /proc hex words are big-endian; every other is read as little-endian. */
const BIG_ENDIAN_MACHINES = /^(s390x?|ppc|ppc64|powerpc|mips|mips64|sparc.*|m68k|parisc.*|hppa.*|armeb|aarch64_be|or1k)$/;

export function isBigEndianMachine(machine: string): boolean {
  return BIG_ENDIAN_MACHINES.test(machine.trim());
}

/** What the remote said when the session opened. */
export interface RemoteHello {
  machine: string;
  /** "Linux 6.18.0" (uname -sr), for the header. */
  os: string;
  hostname: string;
  /** The remote's Node version when it is ≥ 20 (node-remote), else null (proc-remote). */
  node: string | null;
}

/** The "hello" line's rest: "MACHINE|OS|HOSTNAME|NODE" (NODE "none" when there is no Node ≥ 20). */
export function parseHello(rest: string): RemoteHello {
  const [machine = '', os = '', hostname = '', node = 'none'] = rest.split('|');
  return { machine, os, hostname, node: /^v?\d+\./.test(node) ? node : null };
}

/** Bytes for people: 812 B, 12 KB, 3.4 MB (powers of 1024, as du -h). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0).replace(/\.0$/, '')} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}
