/**
 * One long-lived session to a remote host through the system `ssh` client (so ~/.ssh/config, agents,
 * jump hosts and ControlMaster work): `ssh [OPTIONS] DEST sh -s`, a POSIX shell reading commands from
 * our stdin. On it we ask what the remote is (hello), then either ask for one framed sample of its
 * /proc files per interval (proc-remote) or replace the shell with `node` running our sampler
 * (node-remote). The wire format is in src/model/remote.ts.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { FrameReader, MARK, parseHello, type ControlLine, type RemoteHello, type RemoteSample } from '../model/remote.js';

/** Where and how: the destination as ssh takes it, and the ssh command (argv) to reach it. */
export interface SshTarget {
  dest: string;
  /** e.g. ['ssh', '-p', '2222', '-i', 'KEY'] (from --ssh-command); default ['ssh']. */
  command: readonly string[];
}

/** A session that could not open, or ended: names the host and says why (ssh's last stderr line). */
export class SshError extends Error {
  constructor(readonly dest: string, readonly reason: string) {
    super(`${dest}: ${reason}`);
    this.name = 'SshError';
  }
}

/**
 * The shell functions the session defines, then the hello line. `s N` prints sample N. Only POSIX sh,
 * printf, cat and (optionally) uname, hostname and node are used on the remote.
 */
export const SESSION_SCRIPT = [
  "s() { printf '\\n@@tt begin %s\\n' \"$1\"; for f in tcp tcp6 snmp netstat sockstat sockstat6; do printf '\\n@@tt file %s\\n' \"$f\"; cat /proc/net/$f 2>/dev/null || printf '\\n@@tt missing %s\\n' \"$f\"; done; printf '\\n@@tt end %s\\n' \"$1\"; }",
  // Node ≥ 20 (what the bundled sampler targets) or none
  "v=none; if command -v node >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(\".\")[0] < 20 ? 1 : 0)' >/dev/null 2>&1; then v=$(node -p process.version 2>/dev/null); fi",
  "h=$(cat /proc/sys/kernel/hostname 2>/dev/null)",
  "printf '\\n@@tt hello %s|%s|%s|%s\\n' \"$(uname -m 2>/dev/null)\" \"$(uname -sr 2>/dev/null)\" \"$h\" \"$v\"",
  '',
].join('\n');

/**
 * The node-remote bootstrap (`node -e`): reads "LENGTH\n" and LENGTH bytes of JavaScript from stdin,
 * gives the rest of stdin back to the stream, and runs the code as a CommonJS module. It says "ready"
 * first: the shell must not read ahead into the code (we send it only after that line).
 */
const BOOTSTRAP = [
  'let b=Buffer.alloc(0),n=-1;',
  'const on=(d)=>{b=Buffer.concat([b,d]);',
  'if(n<0){const i=b.indexOf(10);if(i<0)return;n=+b.subarray(0,i).toString();b=b.subarray(i+1);}',
  'if(b.length<n)return;process.stdin.off("data",on);process.stdin.pause();',
  'const code=b.subarray(0,n).toString();const rest=b.subarray(n);if(rest.length)process.stdin.unshift(rest);',
  'const m={exports:{}};new Function("require","module","exports",code)(require,m,m.exports);};',
  `process.stdin.on("data",on);process.stdout.write("\\n${MARK}ready\\n");`,
].join('');

export interface SessionOptions {
  /** Ms to wait for the hello (connect + login + the shell). */
  timeoutMs?: number;
  /** Options added after the user's (ssh keeps the first value of each, so the user's win). */
  extraOptions?: readonly string[];
}

/** Options that make a session fit a dashboard: no terminal, no prompts, a dead link noticed in ~15 s. */
export const DEFAULT_SSH_OPTIONS: readonly string[] = ['-T', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3'];

export class SshSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader = new FrameReader();
  private lastStderr = '';
  private ended: SshError | null = null;
  private readonly exitListeners = new Set<(e: SshError) => void>();
  private readonly lineListeners = new Set<(l: ControlLine) => void>();
  private readonly pendingSamples = new Map<number, { resolve: (s: RemoteSample) => void; reject: (e: Error) => void }>();
  private nextSeq = 1;
  /** Bytes received from the remote in all. */
  bytesIn = 0;
  hello: RemoteHello | null = null;

  private constructor(readonly target: SshTarget, opts: SessionOptions) {
    const [cmd, ...args] = target.command.length ? target.command : ['ssh'];
    this.child = spawn(cmd, [...args, ...(opts.extraOptions ?? DEFAULT_SSH_OPTIONS), '--', target.dest, 'sh -s'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.on('error', () => {}); // EPIPE after the remote went away: the exit says why
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      for (const ev of this.reader.push(chunk)) {
        if (ev.kind === 'sample') {
          const p = this.pendingSamples.get(ev.seq);
          this.pendingSamples.delete(ev.seq);
          p?.resolve(ev);
        } else {
          if (ev.verb === 'hello') this.lastStderr = ''; // a login's noise is not why a session ends
          // before the hello, what the login printed may be why it ends ("This account is not available")
          if (ev.verb === '' && !this.hello) this.lastStderr = ev.rest;
          for (const fn of this.lineListeners) fn(ev);
        }
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      if (lines.length) this.lastStderr = lines[lines.length - 1];
    });
    this.child.on('error', (err) => this.end(`cannot run ${cmd}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    this.child.on('close', (code, signal) => {
      this.end(this.lastStderr || (signal ? `ssh ended by ${signal}` : `ssh exited with code ${code}`));
    });
  }

  /** Opens a session and waits for the remote's hello; an SshError naming the host when it cannot. */
  static open(target: SshTarget, opts: SessionOptions = {}): Promise<SshSession> {
    const s = new SshSession(target, opts);
    return new Promise<SshSession>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.close();
        reject(new SshError(target.dest, `no answer in ${Math.round((opts.timeoutMs ?? 15_000) / 1000)} s`));
      }, opts.timeoutMs ?? 15_000);
      const offLine = s.onLine((l) => {
        if (l.verb !== 'hello') return;
        clearTimeout(timer);
        offLine();
        offExit();
        s.hello = parseHello(l.rest);
        resolve(s);
      });
      const offExit = s.onExit((e) => {
        clearTimeout(timer);
        offLine();
        reject(e);
      });
      s.write(SESSION_SCRIPT);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get closed(): boolean {
    return this.ended !== null;
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = new SshError(this.target.dest, reason);
    for (const p of this.pendingSamples.values()) p.reject(this.ended);
    this.pendingSamples.clear();
    for (const fn of this.exitListeners) fn(this.ended);
  }

  private write(text: string | Buffer): void {
    if (!this.ended) this.child.stdin.write(text);
  }

  onExit(fn: (e: SshError) => void): () => void {
    if (this.ended) {
      fn(this.ended);
      return () => {};
    }
    this.exitListeners.add(fn);
    return () => this.exitListeners.delete(fn);
  }

  onLine(fn: (l: ControlLine) => void): () => void {
    this.lineListeners.add(fn);
    return () => this.lineListeners.delete(fn);
  }

  /** proc-remote: one framed sample of the remote's /proc/net files. */
  sample(): Promise<RemoteSample> {
    if (this.ended) return Promise.reject(this.ended);
    const seq = this.nextSeq++;
    return new Promise<RemoteSample>((resolve, reject) => {
      this.pendingSamples.set(seq, { resolve, reject });
      this.write(`s ${seq}\n`);
    });
  }

  /**
   * node-remote: replaces the remote shell with `node`, sends it `code` (a CommonJS bundle), and
   * resolves once it runs; from then on send() writes lines to it and onLine() hears it.
   */
  startNode(code: string, timeoutMs = 15_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new SshError(this.target.dest, `node did not start in ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        offLine();
        offExit();
      };
      const offLine = this.onLine((l) => {
        if (l.verb !== 'ready') return;
        done();
        const bytes = Buffer.from(code, 'utf8');
        this.write(`${bytes.length}\n`);
        this.write(bytes);
        resolve();
      });
      const offExit = this.onExit((e) => {
        done();
        reject(e);
      });
      this.write(`exec node -e '${BOOTSTRAP}'\n`);
    });
  }

  /** node-remote: one JSON message to the remote sampler. */
  send(message: unknown): void {
    this.write(`${JSON.stringify(message)}\n`);
  }

  /** Ends the session: closes its stdin and stops the ssh client (by its pid). */
  close(): void {
    if (!this.ended) this.end('closed');
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
