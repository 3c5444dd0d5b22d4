/**
 * Terminal setup and restore. Ink 6.8 has no alternate-screen option, so we write the sequences and
 * leave the alternate screen on every exit path: q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error (its
 * message printed after restoring), and plain process exit.
 *
 * A terminal can also go away without a signal (the pty closes while the shell that owns it traps HUP;
 * an SSH drop seen before its SIGHUP): reads on stdin end (EOF) and writes fail (EIO). Then there is
 * nothing to restore and nothing must be written. And Node 20 itself must not touch it: at exit it puts
 * back the termios of every stdio fd that was a TTY at start (ResetStdio), and aborts with
 * `Assertion failed … node::ResetStdio()` when tcsetattr fails with EIO on the dead pty
 * (nodejs/node#51519, fixed in Node 24 by nodejs/node#58200). Node skips an fd that no longer refers
 * to the file it had at start, so on exit each dead terminal fd is replaced with /dev/null.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

export const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
export const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface TerminalGuard {
  /** Leaves the alternate screen and shows the cursor (unless the terminal is gone); safe to call many times. */
  restore(): void;
  /** Whether the terminal went away (EOF on stdin, EIO on stdout). */
  readonly gone: boolean;
}

export interface GuardHandlers {
  /**
   * A signal or a dead terminal asked us to stop; `code` is the exit code to use, `gone` says the
   * terminal is gone (write nothing more to it).
   */
  onStop(code: number, gone: boolean): void;
}

export function enterTerminal(
  stdout: NodeJS.WriteStream,
  handlers: GuardHandlers,
  stdin: NodeJS.ReadStream = process.stdin,
): TerminalGuard {
  let active = true;
  let gone = false;
  const fd = (stdout as unknown as { fd?: number }).fd ?? 1;
  const ttyFds = [0, 1, 2].filter((n) => isatty(n));
  const restore = () => {
    if (!active) return;
    active = false;
    if (!gone) {
      try {
        writeSync(fd, LEAVE); // synchronous: it must land even when we exit right after
      } catch {
        /* the terminal is gone (EIO after an SSH drop): nothing to restore */
      }
    }
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('SIGINT', onInt);
    process.off('exit', restore);
  };
  const onTerm = () => handlers.onStop(143, false);
  const onHup = () => handlers.onStop(129, false);
  const onInt = () => handlers.onStop(130, false); // raw mode turns Ctrl-C into a key; a kill -INT still lands here
  const onGone = () => {
    if (gone) return;
    gone = true;
    handlers.onStop(0, true);
  };
  const onOutErr = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO' || err.code === 'EPIPE') onGone();
    else {
      active = false; // writing more would fail again
      handlers.onStop(1, false);
    }
  };
  // a TTY in raw mode sends no EOF for a key (Ctrl-D is a byte): EOF means the terminal hung up, and so
  // does EIO (setRawMode(false) on the dead fd emits it on stdin too)
  const onInErr = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EIO') onGone();
    else handlers.onStop(1, false);
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  process.on('SIGINT', onInt);
  process.on('exit', restore);
  process.on('exit', () => releaseDeadTerminal(ttyFds));
  stdout.on('error', onOutErr);
  stdin.on('end', onGone);
  stdin.on('error', onInErr);
  stdout.write(ENTER);
  return {
    restore,
    get gone() {
      return gone;
    },
  };
}

/**
 * Points each of `fds` that was a terminal at start and is one no more (a hung-up pty fails tcgetattr,
 * so isatty says false) at /dev/null, so that Node's exit-time tcsetattr skips it instead of aborting.
 */
export function releaseDeadTerminal(fds: readonly number[]): void {
  for (const fd of fds) {
    if (isatty(fd)) continue;
    try {
      closeSync(fd);
      // the lowest free fd is the one just closed (another thread may race us to it: then fd refers
      // to that thread's file, still not the dead terminal)
      const n = openSync('/dev/null', fd === 0 ? 'r' : 'w');
      if (n !== fd) closeSync(n);
    } catch {
      /* nothing better to do on the way out */
    }
  }
}
