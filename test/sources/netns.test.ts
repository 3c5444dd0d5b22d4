/**
 * The namespace listing and the all-namespaces source over a fake /proc: a directory tree whose
 * PID/ns/net are symlinks with `net:[INODE]` texts (readlink does not follow them), PID/comm files and
 * PID/net/tcp{,6} texts. Processes vanish by removing their directory, between listing and reading.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SocketTable } from '../../src/model/table.js';
import { AllNetnsSource } from '../../src/sources/allnetns.js';
import { listNamespaces } from '../../src/sources/netns.js';
import { FakeSource, listener } from '../helpers/fakeSource.js';

const HEADER4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const HEADER6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

/** A /proc/net/tcp row: 127.0.0.1:lport → 127.0.0.1:rport in hex state st. */
const row4 = (sl: number, lport: number, rport: number, st: string, inode: number) =>
  `${String(sl).padStart(4)}: 0100007F:${lport.toString(16).toUpperCase().padStart(4, '0')} 0100007F:${rport.toString(16).toUpperCase().padStart(4, '0')} ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 20 4 30 10 -1\n`;

let root = '';

/** A process in the fake tree: its namespace link (or a regular file, or nothing), comm and tcp text. */
function proc(pid: number | string, opts: { ns?: number | 'file' | 'none'; comm?: string; tcp?: string[] } = {}) {
  const dir = join(root, String(pid));
  mkdirSync(join(dir, 'ns'), { recursive: true });
  if (opts.ns === 'file') writeFileSync(join(dir, 'ns', 'net'), 'not a link');
  else if (opts.ns !== 'none' && opts.ns !== undefined) symlinkSync(`net:[${opts.ns}]`, join(dir, 'ns', 'net'));
  if (opts.comm !== undefined) writeFileSync(join(dir, 'comm'), `${opts.comm}\n`);
  if (opts.tcp) {
    mkdirSync(join(dir, 'net'));
    writeFileSync(join(dir, 'net', 'tcp'), HEADER4 + opts.tcp.join(''));
    writeFileSync(join(dir, 'net', 'tcp6'), HEADER6);
  }
}

const gone = (pid: number) => rmSync(join(root, String(pid)), { recursive: true, force: true });

beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'tcptally-fakeproc-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('listNamespaces over a fake /proc', () => {
  test('groups pids by namespace inode, pids ascending numerically, lowest pid reads, own first; skips and counts the rest', () => {
    proc(100, { ns: 4026532111, comm: 'nginx' });
    proc(9, { ns: 4026532111, comm: 'sh' });
    proc(10, { ns: 4026532111, comm: 'nginx' });
    proc(42, { ns: 4026531840, comm: 'tcptally' });
    proc(7, { ns: 4026531840, comm: 'systemd' });
    proc(300, { ns: 4026532000, comm: 'postgres' });
    proc(77, { ns: 'none' }); // exited between readdir and readlink: ENOENT
    proc(88, { ns: 'file' }); // a link that cannot be read as one (as EACCES would be)
    mkdirSync(join(root, 'sys'));
    mkdirSync(join(root, 'net'));
    symlinkSync('42', join(root, 'self'));
    symlinkSync('42/task/42', join(root, 'thread-self'));

    const l = listNamespaces(root);
    assert.equal(l.ownInode, 4026531840);
    assert.deepEqual(l.namespaces, [
      { inode: 4026531840, pids: [7, 42], reader: 7, own: true, label: 'systemd' },
      { inode: 4026532000, pids: [300], reader: 300, own: false, label: 'postgres' },
      { inode: 4026532111, pids: [9, 10, 100], reader: 9, own: false, label: 'sh' },
    ]);
    assert.equal(l.vanished, 1);
    assert.equal(l.unreadable, 1);
  });

  test('labels: the hook names a namespace (a container) by its reader; nothing or a throw falls back to the command', () => {
    proc(5, { ns: 1001, comm: 'nginx' });
    proc(6, { ns: 1002, comm: 'redis-server' });
    proc(8, { ns: 1003, comm: 'java' });
    proc(11, { ns: 1004 }); // comm gone
    const seen: number[] = [];
    const l = listNamespaces(root, {
      labeler: (pid, procRoot, comm) => {
        seen.push(pid);
        assert.equal(procRoot, root);
        if (pid === 5) return `docker:web (${comm})`;
        if (pid === 8) throw new Error('cgroup unreadable');
        return null;
      },
    });
    assert.deepEqual(l.namespaces.map((e) => e.label), ['docker:web (nginx)', 'redis-server', 'java', 'pid 11']);
    assert.deepEqual(seen.sort((a, b) => a - b), [5, 6, 8, 11]);
    assert.equal(l.ownInode, 0); // no self in this tree: nothing is own
    assert.ok(l.namespaces.every((e) => !e.own));
  });
});

describe('AllNetnsSource over a fake /proc', () => {
  const ownRows = [listener(22), listener(80), listener(443)];
  const make = () => new AllNetnsSource({ own: new FakeSource([ownRows]), procRoot: root });

  function tree() {
    proc(42, { ns: 500, comm: 'tcptally' });
    symlinkSync('42', join(root, 'self'));
    // namespace 700: pids 20 and 21 (20 reads); two rows, each file read through its own pid
    proc(20, { ns: 700, comm: 'app', tcp: [row4(0, 8080, 0, '0A', 11), row4(1, 8080, 50000, '01', 12)] });
    proc(21, { ns: 700, comm: 'app-worker', tcp: [row4(0, 8080, 0, '0A', 11), row4(1, 8080, 50000, '01', 12)] });
    // namespace 600: pid 30, one CLOSE_WAIT
    proc(30, { ns: 600, comm: 'db', tcp: [row4(0, 5432, 40000, '08', 13)] });
  }

  test('every namespace lands in one table, its rows tagged with its index; own is index 0', async () => {
    tree();
    const src = make();
    const t = new SocketTable(2);
    const r = await src.read(t);
    assert.deepEqual(src.namespaces.map(({ readAt: _, ...e }) => e), [
      { inode: 500, pids: [42], reader: process.pid, label: 'tcptally', own: true, rows: 3 },
      { inode: 600, pids: [30], reader: 30, label: 'db', own: false, rows: 1 },
      { inode: 700, pids: [20, 21], reader: 20, label: 'app', own: false, rows: 2 },
    ]);
    assert.equal(t.n, 6);
    assert.equal(r.rows, 6);
    assert.deepEqual([...t.netns.subarray(0, t.n)], [0, 0, 0, 1, 2, 2]);
    assert.deepEqual([...t.lport.subarray(0, t.n)], [22, 80, 443, 5432, 8080, 8080]);
    assert.deepEqual([...t.state.subarray(0, t.n)], [10, 10, 10, 8, 10, 1]);
    assert.equal(src.readerCount, 2);
  });

  test('between listing and reading: a reader gone → the next member reads; every member gone → dropped; a pid now elsewhere → its rows refused', async () => {
    tree();
    proc(31, { ns: 800, comm: 'lonely', tcp: [row4(0, 9000, 0, '0A', 14)] });
    proc(50, { ns: 900, comm: 'mover', tcp: [row4(0, 9100, 0, '0A', 15)] });
    const src = make();
    const t = new SocketTable(2);
    await src.read(t);
    assert.equal(src.namespaces.length, 5);
    assert.equal(src.readerCount, 4);

    const listing = src.list();
    gone(20); // 700 is read through 21
    gone(31); // 800 has nobody left
    unlinkSync(join(root, '50', 'ns', 'net')); // pid 50 now lives in another namespace
    symlinkSync('net:[901]', join(root, '50', 'ns', 'net'));
    const r = await src.readListing(t, listing);
    assert.deepEqual(src.namespaces.map((e) => [e.inode, e.reader, e.label, e.rows]), [
      [500, process.pid, 'tcptally', 3],
      [600, 30, 'db', 1],
      [700, 21, 'app-worker', 2],
    ]);
    assert.equal(t.n, 6);
    assert.equal(r.rows, 6);
    assert.deepEqual([...t.netns.subarray(0, t.n)], [0, 0, 0, 1, 2, 2]);
    assert.equal(src.stats.vanished, 2);
    assert.equal(src.stats.failed, 0);
    assert.equal(src.readerCount, 2); // the readers of 800 and 900 are dropped

    // the next sample re-lists: 901 (pid 50's new namespace) appears, its tcp read through pid 50
    const r2 = await src.read(t);
    assert.deepEqual(src.namespaces.map((e) => e.inode), [500, 600, 700, 901]);
    assert.equal(r2.rows, 7);
    assert.equal(src.stats.vanished, 0);
  });

  test('a read that fails while its reader is still there drops that namespace, counted with its message; the sample goes on', async () => {
    tree();
    rmSync(join(root, '30', 'net'), { recursive: true }); // pid 30 is there, its net/tcp is not
    const src = make();
    const t = new SocketTable(2);
    await src.read(t);
    assert.deepEqual(src.namespaces.map((e) => e.inode), [500, 700]);
    assert.equal(src.stats.failed, 1);
    assert.match(src.stats.lastError ?? '', /30\/net\/tcp/);
    assert.equal(t.n, 5);
  });

  test('a zero budget reads one other namespace per sample, least recently read first; the others keep their last rows', async () => {
    tree();
    let clock = 1000;
    const src = new AllNetnsSource({ own: new FakeSource([ownRows]), procRoot: root, budgetMs: 0, now: () => clock });
    const t = new SocketTable(2);
    const at = () => src.namespaces.filter((e) => !e.own).map((e) => [e.inode, e.readAt, e.rows]);
    await src.read(t);
    assert.deepEqual(at(), [[600, 1000, 1]], 'first sample: one namespace (600 sorts first among the never read)');
    clock = 2000;
    await src.read(t);
    assert.deepEqual(at(), [[600, 1000, 1], [700, 2000, 2]], 'second: the never-read one; 600 keeps its rows');
    clock = 3000;
    await src.read(t);
    assert.deepEqual(at(), [[600, 3000, 1], [700, 2000, 2]], 'third: the least recently read');
    assert.equal(t.n, 3 + 1 + 2, 'every namespace\'s rows are in the table');
  });

  test('foreign off: our own namespace only, no listing', async () => {
    tree();
    const src = make();
    src.foreign = false;
    const t = new SocketTable(2);
    await src.read(t);
    assert.equal(t.n, 3);
    assert.deepEqual(src.namespaces, []);
  });
});

describe('openSource({ allNetns })', () => {
  test('wraps the chosen source for our own namespace; refuses a pid and systeminformation', async () => {
    const { openSource, SourceError } = await import('../../src/sources/index.js');
    await assert.rejects(openSource({ source: 'auto', allNetns: true, pid: 1 }), SourceError);
    await assert.rejects(openSource({ source: 'si', allNetns: true }), /systeminformation/);
    const src = await openSource({ source: 'proc', allNetns: true });
    try {
      assert.ok(src instanceof AllNetnsSource);
      assert.equal(src.name, 'netns');
      assert.match(src.where, /own: \/proc\/net/);
    } finally {
      src.close();
    }
  });
});
