/** A real terminal for end-to-end tests: a tmux server of our own, one pane, driven by send-keys. */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function tmuxAvailable(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

export class TmuxPane {
  private readonly socket: string;
  private readonly conf: string;
  /** Everything the program writes to the terminal (tmux pipe-pane). */
  readonly outputFile: string;
  /** Epoch nanoseconds at which the program was started. */
  readonly startFile: string;

  constructor(name: string) {
    this.socket = `tcptally-${name}-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), 'tcptally-tmux-'));
    this.conf = join(dir, 'tmux.conf');
    this.outputFile = join(dir, 'output.bin');
    this.startFile = join(dir, 'start.ns');
    // keep the pane after the program exits, so its last terminal state can be inspected
    writeFileSync(this.conf, 'set -g remain-on-exit on\nset -g default-terminal "tmux-256color"\n');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', this.conf, ...args], { encoding: 'utf8' });
  }

  /**
   * Starts `argv` in a pane of columns×rows under a shell that prints "[exit N]" when it ends, so the
   * exit code shows on the (restored) screen. With `ignoreHup` that shell (the pane's session leader)
   * ignores SIGHUP, like a login shell that traps HUP: when the pty closes nobody signals the program,
   * which only sees its terminal fail (EOF, EIO).
   */
  start(argv: string[], columns: number, rows: number, env: Record<string, string> = {}, { ignoreHup = false } = {}): void {
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const envArgs = Object.entries({ LANG: 'C.UTF-8', ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // the pane starts with a short pause so that pipe-pane is attached before the program writes;
    // the program's start time (ns) is written to startFile just before it runs
    this.tmux('new-session', '-d', '-s', 'main', '-x', String(columns), '-y', String(rows), ...envArgs,
      `${ignoreHup ? "trap '' HUP; " : ''}sleep 0.2; date +%s%N > '${this.startFile}'; ${quoted}; echo "[exit $?]"`);
    this.tmux('pipe-pane', '-t', 'main', `cat > '${this.outputFile}'`);
  }

  /** The exit code the pane's shell printed after the program ("[exit N]"), waiting for it (bounded). */
  async exitCode(ms = 5000): Promise<number> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = /\[exit (\d+)\]/.exec(this.output());
      if (m) return Number(m[1]);
      await sleep(50);
    }
    throw new Error(`no exit code printed; last output: ${JSON.stringify(this.output().slice(-200))}`);
  }

  /** What the program wrote to the terminal so far. */
  output(): string {
    try {
      return readFileSync(this.outputFile, 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * Whether the terminal was left as found: the last cursor-visibility sequence shows it and the last
   * alternate-screen sequence leaves it. (tmux's #{cursor_flag} of a dead pane is not reliable.)
   */
  restored(): { cursorShown: boolean; leftAltScreen: boolean } {
    const out = this.output();
    return {
      cursorShown: out.lastIndexOf('\x1b[?25h') > out.lastIndexOf('\x1b[?25l'),
      leftAltScreen: out.lastIndexOf('\x1b[?1049l') > out.lastIndexOf('\x1b[?1049h') && out.includes('\x1b[?1049h'),
    };
  }

  capture(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'main');
  }

  info(format: string): string {
    return this.tmux('display-message', '-p', '-t', 'main', format).trim();
  }

  /** The program's pid (the newest child of the pane's shell). */
  get pid(): number {
    const out = execFileSync('pgrep', ['-n', '-P', this.info('#{pane_pid}')], { encoding: 'utf8' });
    return Number(out.trim());
  }

  /** Keys as tmux names them: 'q', 'Tab', 'Enter', 'Escape', 'BSpace', or literal text with literal=true. */
  send(keys: string[], literal = false): void {
    this.tmux('send-keys', '-t', 'main', ...(literal ? ['-l'] : []), ...keys);
  }

  /** Polls the screen until it matches, bounded by `ms`; returns the last capture. */
  async waitFor(re: RegExp, ms = 8000): Promise<string> {
    const end = Date.now() + ms;
    let screen = '';
    while (Date.now() < end) {
      screen = this.capture();
      if (re.test(screen)) return screen;
      await sleep(100);
    }
    throw new Error(`screen did not match ${re} within ${ms} ms:\n${screen}`);
  }

  async waitDead(ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (this.info('#{pane_dead}') === '1') return;
      await sleep(50);
    }
    throw new Error('the program did not exit');
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(dirname(this.conf), { recursive: true, force: true });
  }
}
