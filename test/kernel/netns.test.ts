/**
 * Every network namespace on the box, against the kernel. Two namespaces of the test's own
 * (tcptally-ns-PID-a/-b), each with a socket farm process in it (ESTABLISHED, TIME_WAIT, CLOSE_WAIT,
 * FIN_WAIT2, LISTEN), and a farm on the host. One AllNetnsSource, read sample after sample as the
 * sampler does: each namespace's per-state counts equal `ip netns exec NS ss -tanH`'s, the host's equal
 * plain `ss -tanH`'s (both restricted to the test's own ports and addresses on the host, where other
 * tests run too); namespaces are named by the inode of /run/netns/NAME (stat, not the code under test).
 * Then a namespace is killed and deleted mid-run, a new one appears, and a reader goes away between
 * listing and reading.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { stateByCode } from '../../src/model/states.js';
import { SocketTable } from '../../src/model/table.js';
import { AllNetnsSource } from '../../src/sources/allnetns.js';
import { openSource } from '../../src/sources/index.js';
import { listNamespaces } from '../../src/sources/netns.js';
import { assertEqualsSs } from '../helpers/kernelCompare.js';
import { ALL_PORTS, NetnsFarm } from '../helpers/netns.js';
import { SocketFarm, ssCounts, V4, waitFor } from '../helpers/sockets.js';
import { suiteSkip } from '../helpers/tools.js';

const get = (m: Map<string, number>, state: string) => m.get(state) ?? 0;
const OURS = compileFilter(parseFilter(`addr ${V4} or addr ::1`));
const nsInode = (name: string) => statSync(`/run/netns/${name}`).ino;

async function settle(ss: () => Map<string, number>, want: Record<string, number>, label: string): Promise<void> {
  const ok = await waitFor(() => { const c = ss(); return Object.entries(want).every(([k, v]) => get(c, k) === v); });
  assert.ok(ok, `${label}: ss should show ${JSON.stringify(want)}, shows ${JSON.stringify([...ss()])}`);
}

/**
 * Per-state counts (ss names) of the rows one read tags with namespace `inode`; for the host (ports
 * given) only the test's own ports and addresses. Missing namespace: null.
 */
function countsOf(src: AllNetnsSource, table: SocketTable, inode: number, ports?: Set<number>): Map<string, number> | null {
  const k = src.namespaces.findIndex((e) => e.inode === inode);
  if (k < 0) return null;
  const m = new Map<string, number>();
  for (let i = 0; i < table.n; i++) {
    if (table.netns[i] !== k) continue;
    if (ports && ((!ports.has(table.lport[i]) && !ports.has(table.rport[i])) || !OURS(table, i))) continue;
    const name = stateByCode(table.state[i])!.ssName;
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return m;
}

async function readCounts(src: AllNetnsSource, table: SocketTable, inode: number, ports?: Set<number>): Promise<Map<string, number>> {
  await src.read(table);
  const m = countsOf(src, table, inode, ports);
  assert.ok(m, `namespace ${inode} should be in the sample: ${JSON.stringify(src.namespaces.map((e) => e.inode))}`);
  return m;
}

/** The sample's bookkeeping holds: indices in range, per-namespace rows add up to the table, inodes distinct, own first. */
function assertConsistent(src: AllNetnsSource, table: SocketTable): void {
  const ns = src.namespaces;
  const per = new Array<number>(ns.length).fill(0);
  for (let i = 0; i < table.n; i++) {
    assert.ok(table.netns[i] < ns.length, `row ${i} tagged ${table.netns[i]}, only ${ns.length} namespaces`);
    per[table.netns[i]]++;
  }
  assert.deepEqual(per, ns.map((e) => e.rows), 'rows per namespace');
  assert.equal(ns.reduce((s, e) => s + e.rows, 0), table.n, 'namespace rows add up to the table');
  assert.equal(new Set(ns.map((e) => e.inode)).size, ns.length, 'one entry per namespace');
  assert.ok(ns[0].own && ns.slice(1).every((e) => !e.own), 'own namespace first, and only it');
  assert.equal(src.readerCount, ns.length - 1, 'one reader per foreign namespace, none for gone ones');
}

describe('every network namespace: AllNetnsSource against ss in each', { skip: suiteSkip(['ss', 'ip', 'netns'], 'the test makes namespaces of its own') }, () => {
  const tag = `tcptally-ns-${process.pid}`;
  const a = new NetnsFarm(`${tag}-a`);
  const b = new NetnsFarm(`${tag}-b`);
  const c = new NetnsFarm(`${tag}-c`);
  const host = new SocketFarm();
  let src: AllNetnsSource;
  const table = new SocketTable(64);

  before(async () => {
    await a.start();
    await b.start();
    await b.command('estab 3'); // b differs from a: 8 pairs, 3 CLOSE_WAIT
    await b.command('cw 1');
    const l4 = await host.listen(V4);
    const l6 = await host.listen('::1');
    await host.established(V4, l4, 2);
    await host.established('::1', l6, 1);
    await host.closeWait(V4, l4, 1);
    const opened = await openSource({ source: 'auto', allNetns: true });
    assert.ok(opened instanceof AllNetnsSource);
    src = opened;
  });

  after(async () => {
    src?.close();
    await host.closeAll();
    await a.stop();
    await b.stop();
    await c.stop();
  });

  test('per namespace per state equal to ss inside it; the host equal to plain ss; totals add up', async () => {
    await settle(() => a.ss(), { ESTAB: 10, 'TIME-WAIT': 4, 'CLOSE-WAIT': 2, 'FIN-WAIT-2': 2, LISTEN: 3 }, 'namespace a');
    await settle(() => b.ss(), { ESTAB: 16, 'TIME-WAIT': 4, 'CLOSE-WAIT': 3, 'FIN-WAIT-2': 3, LISTEN: 3 }, 'namespace b');
    await settle(() => ssCounts(host.ports), { ESTAB: 6, 'CLOSE-WAIT': 1, 'FIN-WAIT-2': 1, LISTEN: 2 }, 'host');
    const ia = nsInode(a.name);
    const ib = nsInode(b.name);
    const own = statSync('/proc/self/ns/net').ino;
    assert.notEqual(ia, ib);

    const sa = await assertEqualsSs(() => readCounts(src, table, ia), ALL_PORTS, a.name, true, 'namespace a: ');
    const sb = await assertEqualsSs(() => readCounts(src, table, ib), ALL_PORTS, b.name, true, 'namespace b: ');
    await assertEqualsSs(() => readCounts(src, table, own, host.ports), host.ports, undefined, false, 'host: ');
    assert.notDeepEqual([...sa].sort(), [...sb].sort());

    // one sample, all three at once: the namespaces' whole tables, and what the list says of each
    await src.read(table);
    assertConsistent(src, table);
    const ea = src.namespaces.find((e) => e.inode === ia)!;
    const eb = src.namespaces.find((e) => e.inode === ib)!;
    assert.deepEqual([ea.pids, ea.reader, ea.own], [[a.pid], a.pid, false]);
    assert.deepEqual([eb.pids, eb.reader, eb.own], [[b.pid], b.pid, false]);
    const comm = execFileSync('ps', ['-o', 'comm=', '-p', String(a.pid)], { encoding: 'utf8' }).trim();
    assert.equal(ea.label, comm);
    assert.equal(ea.rows, [...a.ss().values()].reduce((s, v) => s + v, 0));
    assert.equal(eb.rows, [...b.ss().values()].reduce((s, v) => s + v, 0));
    assert.equal(src.namespaces[0].inode, own);
    assert.ok(src.namespaces[0].pids.includes(process.pid));
    // the listing agrees with util-linux lsns (lowest pid, process count) for our namespaces
    if (spawnSync('lsns', ['-V'], { stdio: 'ignore' }).status === 0) {
      const lsns = JSON.parse(execFileSync('lsns', ['-t', 'net', '-J', '-o', 'NS,PID,NPROCS'], { encoding: 'utf8' })) as { namespaces: { ns: number; pid: number; nprocs: number }[] };
      for (const e of [ea, eb]) {
        const l = lsns.namespaces.find((x) => Number(x.ns) === e.inode);
        assert.deepEqual(l && [Number(l.pid), Number(l.nprocs)], [e.reader, e.pids.length], `lsns of ${e.inode}`);
      }
    }
  });

  test('a namespace killed and deleted mid-run leaves the next sample (no error, no stale rows); a new one joins the next', async () => {
    const ia = nsInode(a.name);
    const ib = nsInode(b.name);
    await src.read(table);
    assert.ok(countsOf(src, table, ib), 'b is there before');

    await b.stop(); // SIGTERM to its process, then `ip netns delete`
    await src.read(table);
    assert.equal(countsOf(src, table, ib), null, 'b is gone');
    assertConsistent(src, table);
    await assertEqualsSs(() => readCounts(src, table, ia), ALL_PORTS, a.name, true, 'a after b went: ');

    await c.start();
    await settle(() => c.ss(), { ESTAB: 10, LISTEN: 3 }, 'namespace c');
    const ic = nsInode(c.name);
    await assertEqualsSs(() => readCounts(src, table, ic), ALL_PORTS, c.name, true, 'c, new: ');
    assertConsistent(src, table);
    assert.equal(src.namespaces.find((e) => e.inode === ic)?.reader, c.pid);
  });

  test('a reader gone between listing and reading: the namespace is dropped from that sample; a pid of another namespace is refused', async () => {
    const ia = nsInode(a.name);
    const ic = nsInode(c.name);
    const listing = listNamespaces();
    assert.ok(listing.namespaces.some((e) => e.inode === ic));
    // a's entry, read first through our own pid (in the host namespace): its rows must not be taken as a's
    const ea = listing.namespaces.find((e) => e.inode === ia)!;
    ea.pids = [process.pid, ...ea.pids];
    ea.reader = process.pid;
    const cpid = c.pid;
    await c.stop(); // exits and is deleted after the listing was taken
    assert.throws(() => process.kill(cpid, 0), { code: 'ESRCH' }, 'c\'s process is gone');

    const r = await src.readListing(table, listing);
    assert.equal(countsOf(src, table, ic), null, 'c is dropped');
    assert.ok(src.stats.vanished >= 1, 'c counted as vanished'); // (others' namespaces may vanish too)
    assertConsistent(src, table);
    assert.equal(r.rows, table.n);
    const got = src.namespaces.find((e) => e.inode === ia)!;
    assert.equal(got.reader, a.pid, 'a is read through its own process, not ours');
    assert.deepEqual([...countsOf(src, table, ia)!].sort(), [...a.ss()].sort());
  });
});
