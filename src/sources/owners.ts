/**
 * Who owns each socket: the only code that walks /proc/*\/fd. An fd link `socket:[INODE]` names the
 * socket the inet_diag dump (and /proc/net/tcp) reports with the same inode; a socket shared by forked
 * workers is held by several pids.
 *
 * Walking every fd of every process is what makes `ss -p` slow (one readlink per fd), so the index is
 * cached and incremental:
 * - every update lists /proc (cheap): pids that exited drop out, new pids (forks share their parent's
 *   sockets) are queued for a walk;
 * - when the table shows inodes never seen before and not in the index, the fd count of every known pid
 *   is checked (`stat('/proc/PID/fd').size` is the number of open fds on Linux ≥ 6.2; verified at the
 *   first update, else the fd directory is listed) and the pids whose count changed are walked, fewest
 *   fds first, until every such inode is found (a busy server whose count always moves is not walked
 *   for a socket a small process just opened);
 * - a full walk of every pid happens at most every `fullRescanMs` while inodes remain unaccounted for,
 *   and at least every `refreshMs` anyway (ownership can move without a new inode);
 * - all of it within `budgetMs` of work per update; a walk interrupted by the budget continues at the
 *   next update;
 * - pid reuse: the same stat() gives the inode of /proc/PID/fd, which a new process with the same pid
 *   gets afresh, so a changed inode also queues a walk; the walk reads the start time (field 22 of
 *   /proc/PID/stat) and a pid now naming another process loses its old sockets at once.
 *   Descriptions (process()) are cached per pid and start time.
 *
 * Honesty: an inode not found answers 'unreadable' while some pid's fd directory could not be read
 * (EACCES: another user's process, without root), 'none' only when every pid was readable, and
 * 'pending' until a walk of every pid has finished since the socket first appeared. Nothing is guessed.
 */

import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { InodeOwners, U32Map } from '../model/inodes.js';
import { containerOf, parsePasswd, parseStat, parseStatusUid, socketInode, type Container, type Owners } from '../model/owners.js';
import type { SocketTable } from '../model/table.js';

export interface OwnerIndexOptions {
  /** Default '/proc'. */
  procRoot?: string;
  /** Default '/etc/passwd'. */
  passwdPath?: string;
  /** Milliseconds, monotonic (default performance.now). Drives the budget and the rescan limits. */
  clock?: () => number;
  /** Work per update in ms (default 50); an unfinished walk continues at the next update. */
  budgetMs?: number;
  /** At most one full rescan per this many ms while unaccounted-for inodes remain (default 10 000). */
  fullRescanMs?: number;
  /** A full rescan at least this often, whatever the table shows (default 60 000). */
  refreshMs?: number;
}

export type { Owners } from '../model/owners.js';

export interface UpdateStats {
  /** Wall ms of this update. */
  ms: number;
  /** Fd directories walked to their end in this update. */
  pidsScanned: number;
  /** Fd links read in this update. */
  fdsRead: number;
  /** Processes listed in /proc. */
  pids: number;
  /** Processes whose fd directory could not be read. */
  unreadablePids: number;
  /** Table sockets (inode ≠ 0) by answer. */
  owned: number;
  unreadableSockets: number;
  noneSockets: number;
  pendingSockets: number;
  /** Table sockets with inode 0 (TIME_WAIT, request socks, orphans): 'none' by definition. */
  noInode: number;
  /** Walks left for the next update (0: the index is up to date as far as it can tell). */
  queued: number;
  /** A full rescan began in this update. */
  fullRescan: boolean;
}

export interface ProcessInfo {
  pid: number;
  /** The kernel's command name (comm, ≤ 15 bytes), as ps -o comm and ss -p show it. */
  command: string;
  /** Effective uid (-1 when unreadable). */
  uid: number;
  /** The name from /etc/passwd, else the uid as text. */
  user: string;
  container: Container | null;
}

interface PidRec {
  pid: number;
  /** Start time (clock ticks after boot) read at the last walk; -1 before. */
  start: number;
  /** Open fds when the last walk began; -1 before. */
  fdCount: number;
  /** The inode of /proc/PID/fd then (a new process with the same pid has another). */
  fdIno: number;
  /** Socket inodes held at the last walk, unique. */
  inodes: Uint32Array;
  unreadable: boolean;
  /** The update (seq) in which the last walk began; 0: never walked. */
  scanned: number;
  /** The last update that saw it in /proc. */
  seen: number;
  queued: boolean;
}

interface Walk {
  rec: PidRec;
  names: string[];
  i: number;
  found: number[];
  seq: number;
  fdCount: number;
  fdIno: number;
}

const EMPTY = new Uint32Array(0);
const CHECK_EVERY = 32; // links read between two looks at the clock

export class OwnerIndex {
  private readonly root: string;
  private readonly passwdPath: string;
  private readonly clock: () => number;
  private readonly budgetMs: number;
  private readonly fullRescanMs: number;
  private readonly refreshMs: number;

  private readonly map = new InodeOwners();
  private readonly recs = new Map<number, PidRec>();
  private queue: PidRec[] = [];
  private qHead = 0;
  /** Pids in the queue still waiting (entries of pids walked meanwhile or gone are skipped). */
  private waiting = 0;
  private walk: Walk | null = null;
  /** Unaccounted-for table inodes → the update that first saw them so (two maps, swapped). */
  private unknown = new U32Map(1024);
  private spare = new U32Map(1024);
  private seq = 0;
  private unreadableCount = 0;

  /** Table sockets not found and not yet looked for by a complete walk (as walks go, fewer). */
  private pendingLeft = 0;
  private full: PidRec[] | null = null;
  /** The running full rescan looks for pending inodes (it may stop when they are found) or refreshes. */
  private fullForPending = false;
  private fullIdx = 0;
  private fullStartSeq = 0;
  private lastFullStart = -Infinity;
  /** Inodes first seen unaccounted for at or before this update were looked for by a complete walk. */
  private definitiveSeq = 0;
  /** The fd-count check in progress (resumed at the next update when the budget cut it short). */
  private statList: PidRec[] | null = null;
  private statIdx = 0;
  /** Bumped whenever the index changes (a walk, a drop, a pid found unreadable). */
  private mutations = 0;

  private fdSize: boolean | null = null;
  private readonly infos = new Map<number, { start: number; info: ProcessInfo }>();
  private passwd: Map<number, string> | null = null;
  private passwdAt = -Infinity;

  private fdsRead = 0;
  private pidsScanned = 0;

  constructor(opts: OwnerIndexOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.passwdPath = opts.passwdPath ?? '/etc/passwd';
    this.clock = opts.clock ?? (() => performance.now());
    this.budgetMs = opts.budgetMs ?? 50;
    this.fullRescanMs = opts.fullRescanMs ?? 10_000;
    this.refreshMs = opts.refreshMs ?? 60_000;
  }

  /** Whether fd counts come from stat(/proc/PID/fd).size (known after the first update). */
  get fdCountFromStat(): boolean | null {
    return this.fdSize;
  }

  /**
   * Brings the inode → pids index up to date for the table's sockets, within the budget
   * (`budgetMs` overrides the default for this update: Infinity for a one-shot complete answer).
   */
  update(table: SocketTable, budgetMs = this.budgetMs): UpdateStats {
    const t0 = this.clock();
    const deadline = t0 + budgetMs;
    const seq = ++this.seq;
    this.fdsRead = 0;
    this.pidsScanned = 0;
    if (this.fdSize === null) this.fdSize = this.checkFdSize();

    this.listPids(seq);
    const first = this.classify(table, this.unknown, this.spare, seq);
    [this.unknown, this.spare] = [this.spare, this.unknown];

    // new unaccounted-for inodes: walk the pids whose fd count moved
    if (first.fresh > 0 && !this.statList) { this.statList = [...this.recs.values()]; this.statIdx = 0; }
    if (this.statList) this.checkFdCounts(deadline);
    const mutations = this.mutations;

    let fullRescan = false;
    if (!this.full && this.clock() - this.lastFullStart >= this.refreshMs) {
      this.startFull(seq, false);
      fullRescan = true;
    }
    this.work(deadline);

    let counts = first;
    if (this.mutations !== mutations || this.fullCompletedAt === seq) counts = this.recount(table, seq);
    if (!this.full && this.idle() && counts.pending > 0 && this.clock() - this.lastFullStart >= this.fullRescanMs && this.clock() < deadline) {
      this.startFull(seq, true);
      fullRescan = true;
      this.work(deadline);
      counts = this.recount(table, seq);
    }

    return {
      ms: this.clock() - t0,
      pidsScanned: this.pidsScanned,
      fdsRead: this.fdsRead,
      pids: this.recs.size,
      unreadablePids: this.unreadableCount,
      owned: counts.owned,
      unreadableSockets: this.unreadableCount > 0 ? counts.settled : 0,
      noneSockets: this.unreadableCount > 0 ? 0 : counts.settled,
      pendingSockets: counts.pending,
      noInode: counts.noInode,
      queued: this.waiting + (this.walk ? 1 : 0) + this.fullLeft(),
      fullRescan,
    };
  }

  /**
   * Who holds the socket with this inode, as of the last update (ask about the inodes of the table that
   * update had: one it did not have is 'pending', as nothing says when it appeared).
   */
  owners(inode: number): Owners {
    if (inode === 0) return 'none';
    const o = this.map.owners(inode);
    if (o) return o;
    const firstSeen = this.unknown.get(inode, this.seq);
    if (firstSeen > this.definitiveSeq) return 'pending';
    return this.unreadableCount > 0 ? 'unreadable' : 'none';
  }

  /**
   * What a pid is: command, user, container. Cached per pid and start time; null when the process is
   * gone (or its stat cannot be read).
   */
  process(pid: number): ProcessInfo | null {
    // one small read validates the cache: the same pid with another start time is another process
    const st = parseStat(this.readText(`${this.root}/${pid}/stat`) ?? '');
    if (!st) return null;
    const start = st.startTime;
    const cached = this.infos.get(pid);
    if (cached && cached.start === start) return cached.info;
    const uid = parseStatusUid(this.readText(`${this.root}/${pid}/status`) ?? '');
    const cg = this.readText(`${this.root}/${pid}/cgroup`);
    const info: ProcessInfo = {
      pid,
      command: st.command,
      uid,
      user: uid < 0 ? '?' : this.userName(uid),
      container: cg === null ? null : containerOf(cg),
    };
    this.infos.set(pid, { start, info });
    return info;
  }

  // ---- the walk ---------------------------------------------------------------------------------

  private fullCompletedAt = 0;

  /** Pids the full rescan has yet to walk. */
  private fullLeft(): number {
    if (!this.full) return 0;
    let n = 0;
    for (let i = this.fullIdx; i < this.full.length; i++) {
      const rec = this.full[i];
      if (this.recs.get(rec.pid) === rec && rec.scanned < this.fullStartSeq && !rec.queued) n++;
    }
    return n;
  }

  private idle(): boolean {
    return this.walk === null && this.waiting === 0;
  }

  private startFull(seq: number, forPending: boolean): void {
    this.fullForPending = forPending;
    this.full = [...this.recs.values()];
    this.fullIdx = 0;
    this.fullStartSeq = seq;
    this.lastFullStart = this.clock();
  }

  /** Walks queued pids, then the full rescan's, until the deadline. */
  private work(deadline: number): void {
    for (;;) {
      if (this.walk) {
        if (!this.continueWalk(deadline)) return; // out of time mid-walk
        continue;
      }
      if (this.clock() >= deadline) return;
      const rec = this.nextRec();
      if (!rec) return;
      this.beginWalk(rec);
    }
  }

  private nextRec(): PidRec | null {
    while (this.qHead < this.queue.length) {
      const rec = this.queue[this.qHead++];
      if (!rec.queued || this.recs.get(rec.pid) !== rec) continue;
      // a pid queued for its moved fd count is walked only while new sockets are still unaccounted for
      // (new pids always are: a fork shares sockets already known)
      if (rec.scanned > 0 && this.pendingLeft <= 0) { this.unqueue(rec); continue; }
      return rec;
    }
    if (this.qHead > 0) { this.queue = []; this.qHead = 0; }
    if (this.full && this.fullForPending && this.pendingLeft <= 0) this.full = null; // found them all
    if (this.full) {
      while (this.fullIdx < this.full.length) {
        const rec = this.full[this.fullIdx++];
        if (this.recs.get(rec.pid) !== rec || rec.scanned >= this.fullStartSeq) continue;
        return rec;
      }
      // every pid of the rescan walked (or gone)
      this.full = null;
      this.definitiveSeq = this.fullStartSeq;
      this.fullCompletedAt = this.seq;
    }
    return null;
  }

  private beginWalk(rec: PidRec): void {
    this.unqueue(rec);
    rec.scanned = this.seq;
    const dir = `${this.root}/${rec.pid}`;
    const st = parseStat(this.readText(`${dir}/stat`) ?? '');
    if (!st) { this.drop(rec); return; }
    if (rec.start >= 0 && rec.start !== st.startTime) {
      // the pid now names another process
      this.setInodes(rec, EMPTY);
      this.infos.delete(rec.pid);
      rec.fdCount = -1;
    }
    rec.start = st.startTime;
    const before = this.fdStat(`${dir}/fd`);
    let names: string[];
    try {
      names = readdirSync(`${dir}/fd`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') this.markUnreadable(rec);
      else this.drop(rec);
      return;
    }
    this.setReadable(rec);
    this.walk = { rec, names, i: 0, found: [], seq: this.seq, fdCount: this.fdSize ? before.size : names.length, fdIno: before.ino };
  }

  /** Reads links of the current walk; false when the deadline came first (the walk stays). */
  private continueWalk(deadline: number): boolean {
    const w = this.walk!;
    const base = `${this.root}/${w.rec.pid}/fd/`;
    const { names, found } = w;
    while (w.i < names.length) {
      if (w.i % CHECK_EVERY === 0 && w.i > 0 && this.clock() >= deadline) return false;
      const name = names[w.i++];
      let link: string;
      try {
        link = readlinkSync(base + name);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') { this.walk = null; this.markUnreadable(w.rec); return true; }
        continue; // closed meanwhile
      }
      this.fdsRead++;
      const ino = socketInode(link);
      if (ino > 0) found.push(ino);
    }
    this.walk = null;
    if (this.recs.get(w.rec.pid) !== w.rec) return true; // exited during the walk
    const inodes = Uint32Array.from(found).sort();
    let k = 0;
    for (let j = 0; j < inodes.length; j++) if (j === 0 || inodes[j] !== inodes[j - 1]) inodes[k++] = inodes[j];
    this.setInodes(w.rec, inodes.subarray(0, k));
    w.rec.fdCount = w.fdCount;
    w.rec.fdIno = w.fdIno;
    w.rec.scanned = w.seq;
    this.pidsScanned++;
    return true;
  }

  private setInodes(rec: PidRec, inodes: Uint32Array): void {
    if (rec.inodes.length > 0 || inodes.length > 0) this.mutations++;
    for (const ino of rec.inodes) this.map.remove(ino, rec.pid);
    for (const ino of inodes) {
      if (!this.map.has(ino) && this.unknown.get(ino, 0) > this.definitiveSeq) this.pendingLeft--;
      this.map.add(ino, rec.pid);
    }
    rec.inodes = inodes;
  }

  private markUnreadable(rec: PidRec): void {
    this.setInodes(rec, EMPTY);
    if (!rec.unreadable) { rec.unreadable = true; this.unreadableCount++; this.mutations++; }
  }

  private setReadable(rec: PidRec): void {
    if (rec.unreadable) { rec.unreadable = false; this.unreadableCount--; this.mutations++; }
  }

  private drop(rec: PidRec): void {
    if (this.recs.get(rec.pid) !== rec) return;
    this.setInodes(rec, EMPTY);
    this.setReadable(rec);
    this.unqueue(rec);
    this.recs.delete(rec.pid);
    this.infos.delete(rec.pid);
    if (this.walk?.rec === rec) this.walk = null;
  }

  private enqueue(rec: PidRec): void {
    if (rec.queued) return;
    rec.queued = true;
    this.waiting++;
    this.queue.push(rec);
  }

  private unqueue(rec: PidRec): void {
    if (!rec.queued) return;
    rec.queued = false;
    this.waiting--;
  }

  /** Lists /proc: new pids are queued, pids that are gone drop out. */
  private listPids(seq: number): void {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      names = [];
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 49 || c > 57) continue;
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      let rec = this.recs.get(pid);
      if (!rec) {
        rec = { pid, start: -1, fdCount: -1, fdIno: -1, inodes: EMPTY, unreadable: false, scanned: 0, seen: seq, queued: false };
        this.recs.set(pid, rec);
        this.enqueue(rec);
      }
      rec.seen = seq;
    }
    for (const rec of this.recs.values()) if (rec.seen !== seq) this.drop(rec);
    for (const pid of this.infos.keys()) if (!this.recs.has(pid)) this.infos.delete(pid);
  }

  /**
   * Queues the walked pids whose fd count moved, or whose /proc/PID/fd is another inode (pid reuse);
   * resumed at the next update when the deadline comes.
   */
  private checkFdCounts(deadline: number): void {
    const list = this.statList!;
    const moved: [PidRec, number][] = [];
    const enqueueMoved = () => { for (const [rec] of moved.sort((a, b) => a[1] - b[1])) this.enqueue(rec); };
    while (this.statIdx < list.length) {
      if (this.statIdx % 64 === 63 && this.clock() >= deadline) { enqueueMoved(); return; }
      const rec = list[this.statIdx++];
      if (rec.queued || rec.unreadable || rec.scanned === 0 || this.walk?.rec === rec || this.recs.get(rec.pid) !== rec) continue;
      const fd = `${this.root}/${rec.pid}/fd`;
      const now = this.fdStat(fd);
      if (now.ino < 0) continue; // gone: the next listing drops it
      const count = this.fdSize ? now.size : this.countDir(fd);
      if (count !== rec.fdCount || now.ino !== rec.fdIno) moved.push([rec, count]);
    }
    enqueueMoved();
    this.statList = null;
  }

  /**
   * One pass over the table: owned sockets, and the unaccounted-for inodes carried from `from` into
   * `to` with the update that first saw them.
   */
  private classify(table: SocketTable, from: U32Map, to: U32Map, seq: number) {
    to.clear();
    let owned = 0, fresh = 0, pending = 0, settled = 0, noInode = 0;
    const ino = table.inode;
    for (let i = 0; i < table.n; i++) {
      const x = ino[i];
      if (x === 0) { noInode++; continue; }
      if (this.map.has(x)) { owned++; continue; }
      const f = from.get(x, seq);
      to.set(x, f);
      if (f === seq) fresh++;
      if (f > this.definitiveSeq) pending++;
      else settled++;
    }
    this.pendingLeft = pending;
    return { owned, fresh, pending, settled, noInode };
  }

  private recount(table: SocketTable, seq: number) {
    const c = this.classify(table, this.unknown, this.spare, seq);
    [this.unknown, this.spare] = [this.spare, this.unknown];
    return c;
  }

  // ---- small reads ------------------------------------------------------------------------------

  /** stat(/proc/self/fd).size equals the fd count (Linux ≥ 6.2)? The listing holds one fd more. */
  private checkFdSize(): boolean {
    try {
      const size = statSync(`${this.root}/self/fd`).size;
      const n = readdirSync(`${this.root}/self/fd`).length;
      return size > 0 && (n === size || n === size + 1);
    } catch {
      return false;
    }
  }

  /** size (the fd count where fdSize holds) and inode of a /proc/PID/fd; -1s when gone. */
  private fdStat(path: string): { size: number; ino: number } {
    try {
      const st = statSync(path);
      return { size: st.size, ino: st.ino };
    } catch {
      return { size: -1, ino: -1 };
    }
  }

  private countDir(path: string): number {
    try {
      return readdirSync(path).length;
    } catch {
      return -1;
    }
  }

  private readText(path: string): string | null {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  }

  private userName(uid: number): string {
    const now = this.clock();
    if (!this.passwd || (!this.passwd.has(uid) && now - this.passwdAt > 60_000)) {
      this.passwd = parsePasswd(this.readText(this.passwdPath) ?? '');
      this.passwdAt = now;
    }
    return this.passwd.get(uid) ?? String(uid);
  }
}
