import type { SocketTable } from '../model/table.js';
import type { NetnsInfo } from './allnetns.js';

/** 'netns': every network namespace on the box (src/sources/allnetns.ts), our own read by netlink or proc;
 * 'proc-remote' / 'node-remote': another host over SSH (src/store/remote.ts). */
export type SourceName = 'netlink' | 'proc' | 'si' | 'netns' | 'proc-remote' | 'node-remote';
/** What --source picks from; the all-namespaces source wraps one of these (OpenOptions.allNetns). */
export type SourceChoice = 'netlink' | 'proc' | 'si' | 'auto';

export interface ReadStats {
  rows: number;
  /** Rows the source dropped as repeats of a row already read in this sample (proc only). */
  duplicates: number;
  /** Rows that could not be decoded (skipped, never fatal). */
  malformed: number;
}

/** One way of reading the box's TCP sockets. The only code that touches the OS lives behind this. */
export interface Source {
  readonly name: SourceName;
  /** A slow portability fallback (systeminformation). */
  readonly slow: boolean;
  /** Where it reads, for messages ("/proc/net", "/proc/1234/net", "NETLINK_SOCK_DIAG"). */
  readonly where: string;
  /** Clears `table` and fills it with every TCP socket, IPv4 and IPv6. */
  read(table: SocketTable): Promise<ReadStats>;
  close(): void;
  /** The all-namespaces source: read the other network namespaces too (settable). */
  foreign?: boolean;
  /** The all-namespaces source: the namespaces of the last read; table.netns indexes it. */
  readonly namespaces?: readonly NetnsInfo[];
}

/** A runtime failure to read something (exit code 1), with a one-line message naming what. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'not found';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  return e?.code ?? (e instanceof Error ? e.message : String(err));
}
