/**
 * The all-namespaces source: every network namespace on the box in one SocketTable.
 *
 * Each sample re-lists the namespaces (src/sources/netns.ts: a readdir of /proc and one readlink per
 * process) and reads each into the table, tagging its rows with the namespace's index in the sample's
 * list (`table.netns`): index 0 is our own namespace, read by `own` (netlink, or /proc/net); every other
 * is read through `/proc/READER/net/tcp{,6}` by a ProcSource of its own (which keeps its de-dup state
 * from sample to sample; it is dropped when the namespace goes away or changes reader).
 *
 * A namespace whose reader exits between listing and reading is read through its next member, or
 * dropped from the sample without error; after every read the reader's link is checked again, so a pid
 * that exited (or was reused in another namespace) while we read never lends its rows to the wrong
 * namespace. A namespace that appears is picked up on the next sample.
 */

import { SocketTable } from '../model/table.js';
import { listNamespaces, labelOf, netnsInodeOr0, type NetnsLabeler, type NetnsListing } from './netns.js';
import { ProcSource, procNetDir } from './proc.js';
import type { ReadStats, Source, SourceName } from './types.js';

/** One namespace of a sample; its index in `AllNetnsSource.namespaces` is the rows' `table.netns`. */
export interface NetnsInfo {
  inode: number;
  /** Member processes at listing time, ascending. */
  pids: number[];
  /** The pid its sockets were read through (ours for our own namespace). */
  reader: number;
  /** The reader's command, or the labeler's name for it (a container). */
  label: string;
  /** Our own namespace (always index 0). */
  own: boolean;
  /** Rows it gave in this sample. */
  rows: number;
  /** Epoch ms of the read its rows come from (a namespace not reached within the budget keeps its last read); 0: never read yet. */
  readAt: number;
}

/** What happened to the namespaces of the latest sample (beyond the rows). */
export interface NetnsSampleStats {
  /** Namespaces listed. */
  listed: number;
  /** Dropped: every reader tried was gone (or had left the namespace) by the time it was read. */
  vanished: number;
  /** Dropped: the read failed while the reader was still there (the message is in `lastError`). */
  failed: number;
  lastError: string | null;
  /** From the listing: pids gone mid-walk, and pids whose namespace link was unreadable. */
  vanishedPids: number;
  unreadablePids: number;
}

export interface AllNetnsOptions {
  /** Reads our own namespace (the netlink source, or a ProcSource of /proc/net). Closed by close(). */
  own: Source;
  procRoot?: string;
  /** The container-name hook for labels (see NetnsLabeler); absent: the reader's command. */
  labeler?: NetnsLabeler;
  /**
   * Ms per sample for the other namespaces (default Infinity: all of them). Each /proc/PID/net/tcp read
   * walks the box's whole socket table, so at scale the others are read round-robin, least recently
   * read first, and a namespace not reached keeps the rows of its last read (NetnsInfo.readAt says when).
   */
  budgetMs?: number;
  /** Read only our own namespace until set (the dashboard's key turns the others on). */
  foreign?: boolean;
  /** Epoch ms (default Date.now), for readAt. */
  now?: () => number;
}

/** Members tried, lowest pid first, before a namespace counts as vanished. */
const MAX_READERS_TRIED = 3;

interface Reader {
  pid: number;
  src: ProcSource;
  /** The rows of its last read, and when (epoch ms). */
  rows: SocketTable;
  readAt: number;
  stats: ReadStats;
}

export class AllNetnsSource implements Source {
  /** 'netns' while the other namespaces are read, else our own source's name. */
  get name(): SourceName {
    return this.foreign ? 'netns' : this.own.name;
  }

  readonly slow = false;
  readonly where: string;
  /** The latest sample's namespaces; `table.netns[i]` indexes it. A new array every sample. */
  namespaces: readonly NetnsInfo[] = [];
  stats: NetnsSampleStats = { listed: 0, vanished: 0, failed: 0, lastError: null, vanishedPids: 0, unreadablePids: 0 };

  private readonly own: Source;
  private readonly procRoot: string;
  private readonly labeler?: NetnsLabeler;
  private readonly readers = new Map<number, Reader>();
  private readonly scratch = new SocketTable(1024);
  private readonly budgetMs: number;
  private readonly now: () => number;
  /** Read the other namespaces too (false: our own only, as a plain source). */
  foreign: boolean;

  constructor(opts: AllNetnsOptions) {
    this.own = opts.own;
    this.budgetMs = opts.budgetMs ?? Infinity;
    this.now = opts.now ?? Date.now;
    this.foreign = opts.foreign ?? true;
    this.procRoot = opts.procRoot ?? '/proc';
    this.labeler = opts.labeler;
    this.where = `every network namespace (${this.procRoot}/*/ns/net; own: ${opts.own.where})`;
  }

  /** The namespaces now (what read() starts with). */
  list(): NetnsListing {
    return listNamespaces(this.procRoot, { labeler: this.labeler });
  }

  async read(table: SocketTable): Promise<ReadStats> {
    if (!this.foreign) {
      const r = await this.own.read(table);
      this.namespaces = [];
      this.readers.clear();
      return r;
    }
    return this.readListing(table, this.list());
  }

  /** Reads the namespaces of `listing` (taken a moment ago: some may be gone by now) into `table`. */
  async readListing(table: SocketTable, listing: NetnsListing): Promise<ReadStats> {
    const stats: NetnsSampleStats = {
      listed: listing.namespaces.length, vanished: 0, failed: 0, lastError: null,
      vanishedPids: listing.vanished, unreadablePids: listing.unreadable,
    };
    // our own namespace: index 0, written as 0 by the single-namespace source
    const total = { ...(await this.own.read(table)) };
    const ownEntry = listing.namespaces.find((e) => e.own);
    const list: NetnsInfo[] = [ownEntry
      ? { inode: ownEntry.inode, pids: ownEntry.pids, reader: process.pid, label: ownEntry.label, own: true, rows: table.n, readAt: 0 }
      : { inode: listing.ownInode, pids: [], reader: process.pid, label: labelOf(process.pid, this.procRoot, this.labeler), own: true, rows: table.n, readAt: 0 }];

    const now = this.now();
    list[0].readAt = now;
    // least recently read first (never read: first of all); within the budget, at least one per sample
    const foreign = listing.namespaces.filter((e) => !e.own);
    const order = [...foreign].sort((a, b) => (this.readers.get(a.inode)?.readAt ?? -1) - (this.readers.get(b.inode)?.readAt ?? -1));
    const start = performance.now();
    const fresh = new Set<number>();
    for (const e of order) {
      if (fresh.size > 0 && performance.now() - start >= this.budgetMs) break;
      if (await this.readOne(e.inode, e.pids, stats, now)) fresh.add(e.inode);
    }
    for (const e of foreign) {
      const reader = this.readers.get(e.inode);
      if (!reader || reader.readAt === 0) continue; // dropped, or never read yet
      if (!fresh.has(e.inode) && netnsInodeOr0(reader.pid, this.procRoot) !== e.inode) continue; // gone since its last read
      const r = reader.stats;
      total.rows += r.rows;
      total.duplicates += r.duplicates;
      total.malformed += r.malformed;
      const label = reader.pid === e.reader ? e.label : labelOf(reader.pid, this.procRoot, this.labeler);
      table.append(reader.rows, list.length);
      list.push({ inode: e.inode, pids: e.pids, reader: reader.pid, label, own: false, rows: reader.rows.n, readAt: reader.readAt });
    }
    const listed = new Set(foreign.map((e) => e.inode));
    for (const inode of this.readers.keys()) if (!listed.has(inode)) this.readers.delete(inode);
    this.namespaces = list;
    this.stats = stats;
    return total;
  }

  /** Reads one namespace through its lowest live member into its reader's rows; false when dropped. */
  private async readOne(inode: number, pids: number[], stats: NetnsSampleStats, now: number): Promise<boolean> {
    const tries = Math.min(pids.length, MAX_READERS_TRIED);
    for (let k = 0; k < tries; k++) {
      const pid = pids[k];
      let reader = this.readers.get(inode);
      if (!reader || reader.pid !== pid) {
        reader = { pid, src: new ProcSource(procNetDir(pid, this.procRoot)), rows: new SocketTable(256), readAt: 0, stats: { rows: 0, duplicates: 0, malformed: 0 } };
        this.readers.set(inode, reader);
      }
      let r: ReadStats;
      try {
        r = await reader.src.read(this.scratch);
      } catch (err) {
        if (netnsInodeOr0(pid, this.procRoot) !== inode) continue; // the reader went away: the next member
        stats.failed++;
        stats.lastError = (err as Error).message;
        this.readers.delete(inode);
        return false;
      }
      // the pid may have exited (or been reused elsewhere) during the read: its rows are not this namespace's
      if (netnsInodeOr0(pid, this.procRoot) !== inode) continue;
      reader.rows.clear();
      reader.rows.append(this.scratch, 0);
      reader.readAt = now;
      reader.stats = r;
      return true;
    }
    stats.vanished++;
    this.readers.delete(inode);
    return false;
  }

  /** How many per-namespace readers are held (one per live foreign namespace). */
  get readerCount(): number {
    return this.readers.size;
  }

  close(): void {
    this.readers.clear();
    this.own.close();
  }
}
