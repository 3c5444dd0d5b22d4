/**
 * Every network namespace on the box, found the way `lsns -t net` finds them: each process's
 * `/proc/PID/ns/net` is a link whose text `net:[INODE]` names its namespace. Processes are grouped by
 * that inode; each namespace gets its member pids, a reader pid (whose `/proc/READER/net/tcp{,6}` shows
 * the namespace's sockets without entering it), whether it is our own, and a label.
 *
 * Processes come and go under the walk: a pid that vanished (ENOENT, ESRCH) or whose link is unreadable
 * (EACCES without root) is skipped and counted, never thrown. A namespace held only by a bind mount
 * (`ip netns add` with no process in it) or an open fd has no process and is not listed: its sockets
 * cannot be read from /proc without one.
 */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Whether an errno means the process went away (it exited, or is a zombie without namespaces). */
export function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

const NET_LINK = /^net:\[(\d+)\]$/;

/** The inode of PID's network namespace (`pid` may be 'self'); throws the readlink error, or EINVAL for a link that is not `net:[N]`. */
export function netnsInode(pid: number | 'self', procRoot = '/proc'): number {
  const text = readlinkSync(`${procRoot}/${pid}/ns/net`);
  const m = NET_LINK.exec(text);
  if (!m) throw Object.assign(new Error(`not a network namespace link: ${text}`), { code: 'EINVAL' });
  return Number(m[1]);
}

/** The inode of PID's namespace, or 0 when it cannot be read (gone, unreadable, not a netns link). */
export function netnsInodeOr0(pid: number | 'self', procRoot = '/proc'): number {
  try {
    return netnsInode(pid, procRoot);
  } catch {
    return 0;
  }
}

/**
 * A label for a namespace's reader process: the hook (e.g. a container's name from /proc/PID/cgroup)
 * when it gives one, else the process's command. A hook that throws or returns nothing falls back.
 */
export type NetnsLabeler = (reader: number, procRoot: string, comm: string) => string | null | undefined;

/** The command of PID (/proc/PID/comm), or `pid N` when it cannot be read. */
export function commOf(pid: number, procRoot = '/proc'): string {
  try {
    return readFileSync(`${procRoot}/${pid}/comm`, 'latin1').trim() || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

export function labelOf(pid: number, procRoot = '/proc', labeler?: NetnsLabeler): string {
  const comm = commOf(pid, procRoot);
  if (!labeler) return comm;
  try {
    return labeler(pid, procRoot, comm) || comm;
  } catch {
    return comm;
  }
}

export interface NetnsEntry {
  /** The namespace's inode (`net:[INODE]`). */
  inode: number;
  /** Member processes, ascending. */
  pids: number[];
  /** The pid to read it through: the lowest member (all members were readable at listing time). */
  reader: number;
  /** Our own namespace (the same inode as /proc/self/ns/net). */
  own: boolean;
  /** The reader's command, or what the labeler says (a container's name). */
  label: string;
}

export interface NetnsListing {
  /** Our own namespace first (when /proc/self is readable), then the others by inode. */
  namespaces: NetnsEntry[];
  /** Inode of our own namespace, 0 when unknown. */
  ownInode: number;
  /** Pids listed by readdir that were gone when their link was read (exited mid-walk, zombies). */
  vanished: number;
  /** Pids whose link could not be read for another reason (EACCES without root, not a netns link). */
  unreadable: number;
}

export interface ListOptions {
  /** The container-name hook; absent: the reader's command. */
  labeler?: NetnsLabeler;
}

/** Every distinct network namespace of the processes in `procRoot`, deduplicated by inode. */
export function listNamespaces(procRoot = '/proc', opts: ListOptions = {}): NetnsListing {
  const ownInode = netnsInodeOr0('self', procRoot);
  const members = new Map<number, number[]>();
  let vanished = 0;
  let unreadable = 0;
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue; // not a pid (self, net, sys, ...)
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let inode: number;
    try {
      inode = netnsInode(pid, procRoot);
    } catch (err) {
      if (isGone(err)) vanished++;
      else unreadable++;
      continue;
    }
    const list = members.get(inode);
    if (list) list.push(pid);
    else members.set(inode, [pid]);
  }
  const namespaces: NetnsEntry[] = [];
  for (const [inode, pids] of members) {
    pids.sort((a, b) => a - b);
    const reader = pids[0];
    namespaces.push({ inode, pids, reader, own: inode === ownInode, label: labelOf(reader, procRoot, opts.labeler) });
  }
  namespaces.sort((a, b) => (a.own !== b.own ? (a.own ? -1 : 1) : a.inode - b.inode));
  return { namespaces, ownInode, vanished, unreadable };
}
