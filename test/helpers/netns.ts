/**
 * A network namespace of the test's own with a socket farm in it (farm-child.ts), for --pid tests.
 * start() creates the namespace and the child; command() changes the child's sockets; stop() ends the
 * child by its pid and deletes the namespace. Every wait is bounded.
 */

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ssCounts } from './sockets.js';

const CHILD = fileURLToPath(new URL('./farm-child.js', import.meta.url));

/** Every port: a namespace of our own holds only the child's sockets. */
export const ALL_PORTS = new Set<number>(Array.from({ length: 65536 }, (_, i) => i));

export class NetnsFarm {
  private child: ChildProcess | null = null;
  private lines: Interface | null = null;
  private replies: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private created = false;

  /** `script`: the child run inside (default farm-child.js), with `args`; it prints "ready…", then answers commands "ok". */
  constructor(readonly name: string, private readonly script = CHILD, private readonly args: readonly string[] = []) {}

  /** The pid of the process inside the namespace. */
  get pid(): number {
    if (!this.child?.pid) throw new Error('the namespace farm is not running');
    return this.child.pid;
  }

  async start(ms = 20_000): Promise<void> {
    execFileSync('ip', ['netns', 'add', this.name]);
    this.created = true;
    execFileSync('ip', ['netns', 'exec', this.name, 'ip', 'link', 'set', 'lo', 'up']);
    // `ip netns exec` execs node in place: the child's pid is the process inside the namespace
    const child = spawn('ip', ['netns', 'exec', this.name, process.execPath, this.script, ...this.args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    this.lines = createInterface({ input: child.stdout! });
    this.lines.on('line', (line) => {
      const w = this.waiting;
      this.waiting = null;
      if (w) w(line);
      else this.replies.push(line);
    });
    const first = await this.nextLine(ms);
    if (!first.startsWith('ready')) throw new Error(`farm child said ${JSON.stringify(first)}`);
  }

  private nextLine(ms: number): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = null; reject(new Error(`farm child silent for ${ms} ms`)); }, ms);
      const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`farm child exited (${code})`)); };
      this.child!.once('exit', onExit);
      this.waiting = (line) => {
        clearTimeout(timer);
        this.child!.off('exit', onExit);
        resolve(line);
      };
    });
  }

  /** Sends one farm-child command ("estab 3", "tw 2", "cw 1", "reset 4") and waits for it to be done. */
  async command(cmd: string, ms = 10_000): Promise<void> {
    this.child!.stdin!.write(`${cmd}\n`);
    const reply = await this.nextLine(ms);
    if (reply !== 'ok') throw new Error(`farm child: ${cmd} → ${reply}`);
  }

  /** Per-state counts of `ss -tanH` inside the namespace (all its sockets). */
  ss(): Map<string, number> {
    return ssCounts(ALL_PORTS, this.name, true);
  }

  /** Ends the child (SIGTERM, then SIGKILL after 5 s) and deletes the namespace. */
  async stop(): Promise<void> {
    this.lines?.close();
    const child = this.child;
    this.child = null;
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timer);
    }
    if (this.created) spawnSync('ip', ['netns', 'delete', this.name], { stdio: 'ignore' });
    this.created = false;
  }
}
