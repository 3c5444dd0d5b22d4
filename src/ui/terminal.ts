/**
 * Terminal setup and restore. Ink 6.8 has no alternate-screen option, so we write the sequences and
 * leave the alternate screen on every exit path: q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error (its
 * message printed after restoring), EIO/EPIPE on stdout after an SSH drop, and plain process exit.
 */

import { writeSync } from 'node:fs';

export const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
export const LEAVE = '\x1b[?25h\x1b[?1049l';

export interface TerminalGuard {
  /** Leaves the alternate screen and shows the cursor; safe to call many times. */
  restore(): void;
}

export interface GuardHandlers {
  /** A signal or a dead terminal asked us to stop; `code` is the exit code to use. */
  onStop(code: number, message?: string): void;
}

export function enterTerminal(stdout: NodeJS.WriteStream, handlers: GuardHandlers): TerminalGuard {
  let active = true;
  const fd = (stdout as unknown as { fd?: number }).fd ?? 1;
  const restore = () => {
    if (!active) return;
    active = false;
    try {
      writeSync(fd, LEAVE); // synchronous: it must land even when we exit right after
    } catch {
      /* the terminal is gone (EIO after an SSH drop): nothing to restore */
    }
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    process.off('SIGINT', onInt);
    process.off('exit', restore);
    stdout.off('error', onOutErr);
  };
  const onTerm = () => handlers.onStop(143);
  const onHup = () => handlers.onStop(129);
  const onInt = () => handlers.onStop(130); // raw mode turns Ctrl-C into a key; a kill -INT still lands here
  const onOutErr = (err: NodeJS.ErrnoException) => {
    active = false; // writing more would fail again
    handlers.onStop(err.code === 'EIO' || err.code === 'EPIPE' ? 0 : 1);
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  process.on('SIGINT', onInt);
  process.on('exit', restore);
  stdout.on('error', onOutErr);
  stdout.write(ENTER);
  return { restore };
}
