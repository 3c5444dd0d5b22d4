/**
 * OwnerIndex's bookkeeping on a /proc tree of our own (procRoot injected; fd links are symlinks whose
 * text is `socket:[N]`, as the kernel's read back), with an injected clock: cold scan, incremental
 * walks of the changed pids only, exits, pid reuse, rate-limited full rescans, the time budget, and
 * process descriptions. The real /proc (counts, unreadable, cgroups) is test/kernel/owners.test.ts.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SocketTable } from '../../src/model/table.js';
import { OwnerIndex } from '../../src/sources/owners.js';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

const D = '0123456789abcdef'.repeat(4);

class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'tcptally-fakeproc-'));
  readonly passwd = join(this.root, 'passwd');
  constructor() {
    roots.push(this.root);
    writeFileSync(this.passwd, 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  }
  proc(pid: number, comm: string, start: number, uid = 0, cgroup = '0::/\n'): void {
    const d = join(this.root, String(pid));
    mkdirSync(join(d, 'fd'), { recursive: true });
    this.stat(pid, comm, start);
    writeFileSync(join(d, 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
    writeFileSync(join(d, 'cgroup'), cgroup);
  }
  stat(pid: number, comm: string, start: number): void {
    writeFileSync(join(this.root, String(pid), 'stat'), `${pid} (${comm}) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0 0\n`);
  }
  fd(pid: number, fd: number, target: string): void {
    symlinkSync(target, join(this.root, String(pid), 'fd', String(fd)));
  }
  closeFd(pid: number, fd: number): void {
    unlinkSync(join(this.root, String(pid), 'fd', String(fd)));
  }
  /** The process goes away. Its directory is kept aside, not freed, so a new one never gets its inode. */
  exit(pid: number): void {
    mkdirSync(join(this.root, 'gone'), { recursive: true });
    renameSync(join(this.root, String(pid)), join(this.root, 'gone', `${pid}-${Math.random()}`));
  }
}

function tableOf(inodes: number[]): SocketTable {
  const t = new SocketTable(16);
  for (const ino of inodes) t.add(4, ino === 0 ? 6 : 1, 80, 5000, ino);
  return t;
}

/** pids 100 (2 sockets and a pipe), 200 (a socket it shares with 300: a forked worker), 300. */
function farm(): FakeProc {
  const p = new FakeProc();
  p.proc(100, 'nginx: master', 5000, 0, `0::/system.slice/docker-${D}.scope\n`);
  p.fd(100, 0, '/dev/null');
  p.fd(100, 3, 'socket:[1001]');
  p.fd(100, 4, 'socket:[1002]');
  p.fd(100, 5, 'pipe:[777]');
  p.proc(200, 'worker', 6000, 1000);
  p.fd(200, 3, 'socket:[2001]');
  p.proc(300, 'worker', 6001, 1000);
  p.fd(300, 3, 'socket:[2001]');
  p.fd(300, 7, 'socket:[3001]');
  return p;
}

test('cold scan: owners of each inode, shared sockets list both pids, inode 0 and unheld inodes are none', () => {
  const p = farm();
  const now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now });
  const t = tableOf([1001, 1002, 2001, 3001, 0, 9999]);
  const s = idx.update(t);
  assert.deepEqual(idx.owners(1001), [100]);
  assert.deepEqual(idx.owners(1002), [100]);
  assert.deepEqual(idx.owners(2001), [200, 300]);
  assert.deepEqual(idx.owners(3001), [300]);
  assert.equal(idx.owners(0), 'none');
  assert.equal(idx.owners(9999), 'none');
  assert.equal(idx.owners(777), 'none'); // a pipe is no socket
  assert.equal(idx.fdCountFromStat, false); // no /proc/self here: fd counts by listing
  assert.deepEqual(
    { pids: s.pids, pidsScanned: s.pidsScanned, fdsRead: s.fdsRead, owned: s.owned, none: s.noneSockets, noInode: s.noInode, pending: s.pendingSockets, unreadable: s.unreadableSockets, queued: s.queued },
    { pids: 3, pidsScanned: 3, fdsRead: 7, owned: 4, none: 1, noInode: 1, pending: 0, unreadable: 0, queued: 0 },
  );
});

test('incremental: nothing changed → nothing walked; a new socket → only the pid whose fd count moved is walked', () => {
  const p = farm();
  const now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now });
  idx.update(tableOf([1001, 1002, 2001, 3001]));
  const steady = idx.update(tableOf([1001, 1002, 2001, 3001]));
  assert.deepEqual([steady.pidsScanned, steady.fdsRead], [0, 0]);
  p.fd(200, 9, 'socket:[2002]');
  const s = idx.update(tableOf([1001, 1002, 2001, 3001, 2002]));
  assert.deepEqual(idx.owners(2002), [200]);
  assert.deepEqual([s.pidsScanned, s.fdsRead, s.owned, s.fullRescan], [1, 2, 5, false]);
});

test('moved fd counts: the fewest-fd pid is walked first, and walks stop once every new socket is found', () => {
  const p = farm();
  for (let pid = 150; pid < 155; pid++) {
    p.proc(pid, 'busy-server', pid);
    for (let fd = 0; fd < 100; fd++) p.fd(pid, fd, '/dev/null');
  }
  // the adversarial order: a busy server that the listing (sorted as text by libuv) gives before pid 200
  const listing = readdirSync(p.root);
  const busy = listing.slice(0, listing.indexOf('200')).map(Number).find((x) => x >= 150 && x < 155);
  assert.ok(busy, `a busy pid is listed before 200: ${listing.join(' ')}`);
  const now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now });
  idx.update(tableOf([1001, 1002, 2001, 3001]));
  p.fd(busy, 100, '/dev/null'); // the busy server's count moves (a short-lived connection, say)
  p.fd(200, 9, 'socket:[2002]'); // the new socket is in a small process
  const s = idx.update(tableOf([1001, 1002, 2001, 3001, 2002]));
  assert.deepEqual(idx.owners(2002), [200]);
  assert.deepEqual([s.pidsScanned, s.fdsRead, s.queued, s.pendingSockets], [1, 2, 0, 0]);
});

test('a forked worker (a new pid) is walked even when its sockets are known; an exited pid drops out', () => {
  const p = farm();
  const now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now });
  const t = tableOf([1001, 1002, 2001, 3001]);
  idx.update(t);
  p.proc(400, 'worker', 7000, 1000);
  p.fd(400, 3, 'socket:[2001]');
  let s = idx.update(t);
  assert.deepEqual(idx.owners(2001), [200, 300, 400]);
  assert.equal(s.pidsScanned, 1);
  p.exit(200);
  p.exit(400);
  s = idx.update(t);
  assert.deepEqual(idx.owners(2001), [300]);
  assert.equal(s.pids, 2);
  assert.equal(idx.process(200), null);
});

test('an inode no longer held: pending until a full rescan, which waits fullRescanMs; then none', () => {
  const p = farm();
  let now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now, fullRescanMs: 10_000, refreshMs: 60_000 });
  const t = tableOf([1001, 1002, 2001, 3001]);
  idx.update(t);
  p.exit(300); // 3001 stays in the table, held by nobody we can see (say, a process of another pid namespace)
  now = 1000;
  let s = idx.update(t);
  assert.equal(idx.owners(3001), 'pending'); // fd counts checked, none moved; a full rescan is not due yet
  assert.deepEqual(idx.owners(2001), [200]);
  assert.deepEqual([s.pidsScanned, s.pendingSockets, s.fullRescan], [0, 1, false]);
  now = 9_999;
  s = idx.update(t);
  assert.deepEqual([s.pidsScanned, s.fullRescan, idx.owners(3001)], [0, false, 'pending']);
  now = 10_000;
  s = idx.update(t);
  assert.deepEqual([s.pidsScanned, s.fullRescan, s.pendingSockets, s.noneSockets, idx.owners(3001)], [2, true, 0, 1, 'none']);
  // ownership that moves without a new inode (pid 100 closes its copy of 1002) waits for refreshMs
  p.closeFd(100, 4);
  now = 15_000;
  s = idx.update(t);
  assert.deepEqual([s.pidsScanned, s.fullRescan, idx.owners(1002)], [0, false, [100]]);
  now = 70_000;
  s = idx.update(t);
  assert.deepEqual([s.pidsScanned, s.fullRescan, idx.owners(1002)], [2, true, 'none']);
});

test('pid reuse with the same fd count: the new /proc/PID/fd inode gets it walked; old sockets and description go', () => {
  const p = farm();
  const now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => now });
  idx.update(tableOf([1001, 1002, 2001, 3001]));
  const before = idx.process(300);
  assert.deepEqual(before, { pid: 300, command: 'worker', uid: 1000, user: 'alice', container: null });
  assert.equal(idx.process(300), before); // cached
  p.exit(300);
  p.proc(300, 'redis-server', 9000, 0, '0::/system.slice/redis.service\n');
  p.fd(300, 3, 'socket:[5001]');
  p.fd(300, 4, 'socket:[5002]'); // two fds, as the old pid 300 had
  // the description follows the start time at once, before any update
  assert.deepEqual(idx.process(300), { pid: 300, command: 'redis-server', uid: 0, user: 'root', container: { runtime: 'systemd', id: 'redis.service' } });
  const s = idx.update(tableOf([1001, 1002, 2001, 5001, 5002]));
  // 3001 went with the old process (and is not in this table: an inode the last table lacks is 'pending')
  assert.deepEqual([idx.owners(5001), idx.owners(5002), idx.owners(2001), idx.owners(3001)], [[300], [300], [200], 'pending']);
  assert.deepEqual([s.pidsScanned, s.fullRescan, s.pendingSockets], [1, false, 0]);
});

test('process(): command, effective uid and user from passwd, container from cgroup; a uid not in passwd is its number', () => {
  const p = farm();
  p.proc(500, 'x) (y', 1, 4242);
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => 0 });
  // before any update too: read on demand
  assert.deepEqual(idx.process(100), { pid: 100, command: 'nginx: master', uid: 0, user: 'root', container: { runtime: 'docker', id: D } });
  assert.deepEqual(idx.process(500), { pid: 500, command: 'x) (y', uid: 4242, user: '4242', container: null });
  assert.equal(idx.process(999), null);
});

test('the time budget: a cold scan spread over updates gives pending, never a guess, then the same answer', () => {
  const p = farm();
  for (let pid = 600; pid < 640; pid++) {
    p.proc(pid, 'filler', pid);
    for (let fd = 0; fd < 40; fd++) p.fd(pid, fd, '/dev/null');
  }
  p.fd(639, 40, 'socket:[6390]');
  let now = 0;
  const idx = new OwnerIndex({ procRoot: p.root, passwdPath: p.passwd, clock: () => (now += 1), budgetMs: 20 });
  const t = tableOf([1001, 1002, 2001, 3001, 6390]);
  let s = idx.update(t);
  assert.ok(s.queued > 0, 'the budget stopped the first update');
  assert.equal(idx.owners(6390), 'pending');
  assert.equal(s.noneSockets, 0);
  let updates = 1;
  while (s.queued > 0 && updates < 200) { s = idx.update(t); updates++; }
  assert.ok(updates > 2 && updates < 200, `took ${updates} updates`);
  assert.deepEqual(idx.owners(6390), [639]);
  assert.deepEqual(idx.owners(2001), [200, 300]);
  assert.deepEqual([s.owned, s.pendingSockets, s.noneSockets], [5, 0, 0]);
});
