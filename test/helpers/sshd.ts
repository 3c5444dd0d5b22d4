/**
 * A real OpenSSH server for the --ssh tests, on the tests' own loopback address: `sshd -f CONFIG -D -e`
 * with a generated host key and a generated user key (root login: the tests run as root). Each server
 * is stopped by its pid, with every process it forked (the per-connection sshd and the user's shell).
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SSHD_BIN = '/usr/sbin/sshd';
/** sshd listens here; the sockets the tests count live on REMOTE_V4. */
export const SSHD_ADDR = '127.0.94.1';
export const REMOTE_V4 = '127.0.94.2';

/** Keys and files shared by the servers of one test file, in a temp dir removed by cleanup(). */
export class SshKeys {
  readonly dir = mkdtempSync(join(tmpdir(), 'tcptally-sshd-'));
  readonly hostKey = join(this.dir, 'host_ed25519');
  readonly userKey = join(this.dir, 'user_ed25519');
  readonly authorized = join(this.dir, 'authorized_keys');
  /** A PATH of the few tools the remote needs (sh, cat, uname), without node: proc-remote. */
  readonly noNodePath = join(this.dir, 'bin-without-node');

  constructor() {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.hostKey]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.userKey]);
    writeFileSync(this.authorized, readFileSync(`${this.userKey}.pub`));
    this.pathOf(this.noNodePath, ['sh', 'cat', 'uname']);
  }

  /** A directory of links to `tools` (found on our PATH): a remote PATH with those only. */
  pathOf(dir: string, tools: string[]): string {
    mkdirSync(dir);
    for (const tool of tools) {
      const at = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(at, join(dir, tool));
    }
    return dir;
  }

  /** The --ssh-command for a server on `port` (no known-hosts file, no prompts). */
  sshCommand(port: number): string {
    return `ssh -p ${port} -i ${this.userKey} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR`;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every descendant of `pid` (children first found by each process's parent in /proc/PID/stat). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); }
  };
  walk(pid);
  return out;
}

export interface SshdOptions {
  port: number;
  /** The remote PATH (sshd's SetEnv): a PATH without node makes the remote proc-remote. */
  path?: string;
}

export class TestSshd {
  private child: ChildProcess | null = null;
  private readonly config: string;
  log = '';

  constructor(private readonly keys: SshKeys, readonly opts: SshdOptions) {
    this.config = join(keys.dir, `sshd_config_${opts.port}`);
    writeFileSync(this.config, [
      `ListenAddress ${SSHD_ADDR}`,
      `Port ${opts.port}`,
      `HostKey ${keys.hostKey}`,
      `AuthorizedKeysFile ${keys.authorized}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `PidFile ${join(keys.dir, `sshd_${opts.port}.pid`)}`,
      ...(opts.path ? [`SetEnv PATH=${opts.path}`] : []),
      '',
    ].join('\n'));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the server and waits (bounded) until it says it listens: its own log line, not a connect
   * (which another server left on the port would answer), and fails when it exits (a port in use).
   */
  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true }); // its privilege-separation directory
    this.log = '';
    const child = spawn(SSHD_BIN, ['-f', this.config, '-D', '-e'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => { this.log = (this.log + t).slice(-4000); });
    this.child = child;
    const listening = `Server listening on ${SSHD_ADDR} port ${this.opts.port}.`;
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      if (child.exitCode !== null) {
        this.child = null;
        throw new Error(`sshd exited: ${this.log}`);
      }
      if (this.log.includes(listening)) return;
      await sleep(50);
    }
    throw new Error(`sshd did not listen on ${SSHD_ADDR}:${this.opts.port}: ${this.log}`);
  }

  /** Kills the server and every process it forked (the sessions it serves), by pid; waits for it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = null;
    const kids = descendants(child.pid);
    const exited = child.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const k of kids) {
      try { process.kill(k, 'SIGKILL'); } catch { /* gone */ }
    }
    await exited;
  }
}
