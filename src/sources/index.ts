/** Picks and opens a source: --source auto|netlink|proc|si, and --pid PID (a network namespace). */

import { accessSync, constants, existsSync } from 'node:fs';
import { SocketTable } from '../model/table.js';
import { AllNetnsSource } from './allnetns.js';
import type { NetnsLabeler } from './netns.js';
import { NetlinkSource } from './netlink.js';
import { ProcSource, procNetDir } from './proc.js';
import { SiSource } from './si.js';
import { describeErrno, SourceError, type Source, type SourceChoice } from './types.js';

export interface OpenOptions {
  source: SourceChoice;
  pid?: number;
  procRoot?: string;
  /**
   * Every network namespace on the box (an AllNetnsSource): our own read by the chosen source
   * (auto, netlink or proc), every other through /proc/READER/net. Not with a pid, nor with si.
   */
  allNetns?: boolean;
  /** With allNetns: names a namespace's reader (a container's name); absent: its command. */
  labeler?: NetnsLabeler;
  /** With allNetns: ms per sample for the other namespaces (see AllNetnsOptions.budgetMs). */
  budgetMs?: number;
  /** With allNetns: start reading the others (false: our own only until `foreign` is set). */
  foreign?: boolean;
}

export { SourceError } from './types.js';
export type { Source, SourceChoice, SourceName } from './types.js';
export { AllNetnsSource, type NetnsInfo, type NetnsSampleStats } from './allnetns.js';
export { listNamespaces, type NetnsEntry, type NetnsLabeler, type NetnsListing } from './netns.js';

/**
 * Checks that the /proc socket table the proc source would read is there and readable: PID's
 * (/proc/PID/net/tcp) or this namespace's. Returns its directory; throws a SourceError that names
 * the problem ("no such process: 4242", "cannot read /proc/4242/net/tcp: permission denied").
 * Cheap and synchronous: the CLI calls it before it takes over the terminal.
 */
export function checkProcNet(pid: number | undefined, procRoot = '/proc'): string {
  if (pid !== undefined && !existsSync(`${procRoot}/${pid}`)) throw new SourceError(`no such process: ${pid}`);
  const dir = procNetDir(pid, procRoot);
  try {
    accessSync(`${dir}/tcp`, constants.R_OK);
  } catch (err) {
    throw new SourceError(`cannot read ${dir}/tcp: ${describeErrno(err)}`);
  }
  return dir;
}

function openProc(pid: number | undefined, procRoot: string): ProcSource {
  return new ProcSource(checkProcNet(pid, procRoot));
}

/**
 * Opens the chosen source. `auto` takes netlink when a dump works, else /proc, else systeminformation;
 * with a pid it reads /proc/PID/net (netlink cannot enter another network namespace from Node).
 */
export async function openSource(opts: OpenOptions): Promise<Source> {
  if (opts.allNetns) {
    if (opts.pid !== undefined) throw new SourceError('every namespace and --pid exclude each other');
    if (opts.source === 'si') throw new SourceError('every namespace needs netlink or /proc; systeminformation sees only this namespace');
    const own = await openSource({ ...opts, allNetns: false });
    if (own.name === 'si') {
      own.close();
      throw new SourceError('every namespace needs netlink or /proc, and neither can be read here');
    }
    return new AllNetnsSource({ own, procRoot: opts.procRoot, labeler: opts.labeler, budgetMs: opts.budgetMs, foreign: opts.foreign });
  }
  const procRoot = opts.procRoot ?? '/proc';
  const { pid } = opts;
  switch (opts.source) {
    case 'proc':
      return openProc(pid, procRoot);
    case 'netlink':
      if (pid !== undefined) throw new SourceError('--pid reads /proc/PID/net; netlink cannot enter another namespace');
      return new NetlinkSource();
    case 'si':
      if (pid !== undefined) throw new SourceError('--pid needs the proc source; systeminformation sees only this namespace');
      return new SiSource();
    case 'auto': {
      if (pid !== undefined) return openProc(pid, procRoot);
      if (process.platform === 'linux') {
        let nl: NetlinkSource | undefined;
        try {
          nl = new NetlinkSource();
          await nl.read(new SocketTable(64)); // a probe dump: seccomp or an old kernel can refuse it
          return nl;
        } catch {
          nl?.close(); // fall through to /proc
        }
        if (existsSync(`${procRoot}/net/tcp`)) return openProc(undefined, procRoot);
      }
      return new SiSource();
    }
  }
}
