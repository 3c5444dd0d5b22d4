/**
 * Who owns these sockets, against the real kernel and `ss -tanpH` as the oracle. On 127.0.80.1 (ours
 * alone): a server process and a worker it forked, sharing one LISTEN socket (two owners); accepted
 * sockets ESTABLISHED and CLOSE_WAIT in either of them (our clients end() first, the server never
 * closes); our clients ESTABLISHED and FIN_WAIT2 in this process; TIME_WAIT (inode 0, no owner).
 * Then the same from an unprivileged user (setpriv): root's sockets are 'unreadable', never guessed.
 * Then containers: cgroup v2 groups named as docker and cri-containerd name them, a child moved in.
 */

import assert from 'node:assert/strict';
import { execFileSync, fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SocketTable } from '../../src/model/table.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { OwnerIndex } from '../../src/sources/owners.js';
import { ssName, socketKey, ssOwners } from '../helpers/owners-ss.js';
import { waitFor } from '../helpers/sockets.js';

const HOST = '127.0.80.1';
const HOST_WORD = 0x7f005001;
const CHILD = fileURLToPath(new URL('../helpers/owners-child.js', import.meta.url));
const PROBE = fileURLToPath(new URL('../helpers/owners-probe.js', import.meta.url));
const REQUIRE_ALL = process.env.CI === 'true' || process.env.CI === '1';
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** The ports of this run (TIME_WAIT of an earlier run lingers 60 s on other ports of our address). */
const PORTS = new Set<number>();

/** Our address's IPv4 sockets on PORTS, as the netlink source reads them. */
async function ourSockets(): Promise<SocketTable> {
  const src = new NetlinkSource();
  const all = new SocketTable(1024);
  try {
    await src.read(all);
  } finally {
    src.close();
  }
  const t = new SocketTable(64);
  for (let i = 0; i < all.n; i++) {
    const a = i * 4;
    if (all.family[i] !== 4 || (all.laddr[a + 3] !== HOST_WORD && all.raddr[a + 3] !== HOST_WORD)) continue;
    if (!PORTS.has(all.lport[i]) && !PORTS.has(all.rport[i])) continue;
    const j = t.add(4, all.state[i], all.lport[i], all.rport[i], all.inode[i]);
    t.laddr.set(all.laddr.subarray(a, a + 4), j * 4);
    t.raddr.set(all.raddr.subarray(a, a + 4), j * 4);
  }
  return t;
}

/** Per-state counts of ss's sockets, as sorted JSON. */
function stateCounts(ss: Map<string, number[]>): string {
  const c: Record<string, number> = {};
  for (const k of ss.keys()) { const s = k.split(' ')[0]; c[s] = (c[s] ?? 0) + 1; }
  return JSON.stringify(Object.entries(c).sort());
}

const EXPECTED_MIX = { LISTEN: 2, ESTAB: 8, 'CLOSE-WAIT': 3, 'FIN-WAIT-2': 3, 'TIME-WAIT': 3 };

describe('owners of real sockets (127.0.80.1), against ss -tanpH', () => {
  let child: ChildProcess | null = null;
  let workerPid = 0;
  let keepPort = 0;
  const clients: net.Socket[] = [];
  let usable = false;

  before(async () => {
    usable = has('ss', ['-V']);
    if (!usable) {
      if (REQUIRE_ALL) assert.fail('ss (iproute2) is missing');
      return;
    }
    child = fork(CHILD, [HOST], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<{ keep: number; closing: number; worker: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('owners child not ready in 20 s')), 20_000);
      child!.on('message', (m: { ready?: boolean; keep: number; closing: number; worker: number }) => {
        if (m.ready) { clearTimeout(timer); resolve(m); }
      });
      child!.once('exit', (code) => reject(new Error(`owners child exited (${code})`)));
    });
    workerPid = ready.worker;
    keepPort = ready.keep;
    PORTS.add(ready.keep).add(ready.closing);
    const connect = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host: HOST, port: keepPort, allowHalfOpen: true });
        s.on('error', () => {});
        clients.push(s);
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    for (let i = 0; i < 4; i++) await connect(); // ESTABLISHED both sides
    for (let i = 0; i < 3; i++) (await connect()).end(); // FIN_WAIT2 here, CLOSE_WAIT there
    for (let i = 0; i < 3; i++) {
      const s = net.connect({ host: HOST, port: ready.closing, allowHalfOpen: true });
      s.on('error', () => {});
      await new Promise<void>((resolve) => { s.once('connect', () => { s.once('close', () => resolve()); s.end(); s.resume(); }); });
    }
    const want = JSON.stringify(Object.entries(EXPECTED_MIX).sort());
    const ok = await waitFor(() => stateCounts(ssOwners(HOST, PORTS)) === want, 5000);
    assert.ok(ok, `the mix is in place: ${stateCounts(ssOwners(HOST, PORTS))}`);
  });

  after(() => {
    for (const s of clients) s.destroy();
    for (const pid of [workerPid, child?.pid ?? 0]) {
      if (pid > 0) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    }
  });

  test('every socket: the owners equal the pids ss prints; TIME_WAIT has none; the listener has two', async (t) => {
    if (!usable) return t.skip('no ss here');
    const table = await ourSockets();
    const ss = ssOwners(HOST, PORTS);
    const idx = new OwnerIndex();
    const stats = idx.update(table, Infinity);
    assert.equal(table.n, ss.size, 'netlink and ss see the same sockets');
    const seen: Record<string, number> = {};
    for (let i = 0; i < table.n; i++) {
      const state = ssName(table.state[i]);
      const key = socketKey(state, table, i);
      assert.ok(ss.has(key), `ss shows ${key}`);
      const want = ss.get(key)!;
      const got = idx.owners(table.inode[i]);
      assert.deepEqual(got, want.length === 0 ? 'none' : want, key);
      seen[state] = (seen[state] ?? 0) + 1;
    }
    assert.deepEqual(seen, EXPECTED_MIX);
    // literals, not only ss: the shared listener is held by the server and its worker
    let clientsSeen = 0;
    for (let i = 0; i < table.n; i++) {
      if (table.state[i] === 10 && table.lport[i] === keepPort) assert.deepEqual(idx.owners(table.inode[i]), [child!.pid!, workerPid].sort((a, b) => a - b));
      if (table.state[i] === 10 && table.lport[i] !== keepPort) assert.deepEqual(idx.owners(table.inode[i]), [child!.pid!]);
      if (table.rport[i] === keepPort) { assert.deepEqual(idx.owners(table.inode[i]), [process.pid]); clientsSeen++; }
    }
    assert.equal(clientsSeen, 7);
    // (even root may not read every pid's fds here — pid 1 of this sandbox — which only matters for a miss)
    assert.deepEqual([stats.owned, stats.noInode, stats.noneSockets, stats.unreadableSockets, stats.pendingSockets], [16, 3, 0, 0, 0]);
  });

  test('incremental: a new connection is found by walking the pids whose fd count moved, not every pid', async (t) => {
    if (!usable) return t.skip('no ss here');
    const idx = new OwnerIndex();
    idx.update(await ourSockets(), Infinity);
    // nothing changed → nothing walked (other sessions on this box may start a process meanwhile: retry)
    const t0 = await ourSockets();
    let steady = idx.update(t0);
    for (let i = 0; i < 5 && steady.pidsScanned > 0; i++) steady = idx.update(t0);
    assert.deepEqual([steady.pidsScanned, steady.fdsRead], [0, 0]);
    const s = net.connect({ host: HOST, port: keepPort });
    s.on('error', () => {});
    clients.push(s);
    await new Promise<void>((r) => s.once('connect', () => r()));
    assert.ok(await waitFor(() => [...ssOwners(HOST, PORTS)].filter(([k]) => k.startsWith('ESTAB')).length === 10), 'ss sees the new pair');
    const table = await ourSockets();
    const stats = idx.update(table);
    const ss = ssOwners(HOST, PORTS);
    for (let i = 0; i < table.n; i++) {
      const want = ss.get(socketKey(ssName(table.state[i]), table, i))!;
      assert.deepEqual(idx.owners(table.inode[i]), want.length === 0 ? 'none' : want);
    }
    // this process and the one that accepted (and whatever else started meanwhile); never the whole box
    assert.ok(stats.pidsScanned >= 2 && stats.pidsScanned < stats.pids / 3, `walked ${stats.pidsScanned} of ${stats.pids}`);
    assert.ok(stats.pids > 10);
  });

  test('fd counts: stat(/proc/PID/fd).size equals ls /proc/PID/fd here, and the index uses it', async (t) => {
    if (!usable) return t.skip('no ss here');
    for (const pid of [child!.pid!, workerPid]) {
      const ls = execFileSync('sh', ['-c', `ls /proc/${pid}/fd | wc -l`], { encoding: 'utf8' });
      assert.equal(statSync(`/proc/${pid}/fd`).size, Number(ls.trim()));
    }
    const idx = new OwnerIndex();
    idx.update(new SocketTable(1));
    assert.equal(idx.fdCountFromStat, true);
  });

  test('as an unprivileged user: root\'s sockets are unreadable (counted), its own are found, nothing guessed', async (t) => {
    if (!usable) return t.skip('no ss here');
    if (!has('setpriv', ['--version']) || process.getuid!() !== 0) {
      if (REQUIRE_ALL) assert.fail('setpriv (util-linux) and root are needed');
      return t.skip('needs root and setpriv');
    }
    const ss = ssOwners(HOST, PORTS); // root's view, before the probe adds its own sockets
    const rootOwned = [...ss.values()].filter((p) => p.length > 0).length;
    assert.ok(rootOwned >= 16);
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, PROBE, HOST, [...PORTS].join(',')], { encoding: 'utf8', timeout: 30_000 });
    const j = JSON.parse(out) as { pid: number; uid: number; rows: { key: string; inode: number; owners: unknown }[]; stats: Record<string, number> };
    assert.equal(j.uid, 65534);
    let mine = 0, theirs = 0;
    for (const r of j.rows) {
      const rootPids = ss.get(r.key);
      if (rootPids === undefined) {
        // the probe's own listener and connection
        assert.deepEqual(r.owners, [j.pid], r.key);
        mine++;
        continue;
      }
      theirs++;
      if (rootPids.length === 0) {
        assert.equal(r.owners, 'none', r.key); // TIME_WAIT: inode 0
      } else {
        assert.equal(r.owners, 'unreadable', r.key);
      }
    }
    assert.deepEqual([mine, theirs], [3, ss.size]);
    assert.equal(j.stats.unreadableSockets, rootOwned, JSON.stringify(j.stats));
    assert.equal(j.stats.owned, 3);
    assert.deepEqual([j.stats.noneSockets, j.stats.pendingSockets], [0, 0]);
    assert.ok(j.stats.unreadablePids > 0);
  });
});

/** Where cgroup v2 is mounted: /sys/fs/cgroup/unified (hybrid) or /sys/fs/cgroup (unified only). */
function cgroup2Mount(): string | null {
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup2') return f[1];
  }
  return null;
}

describe('containers: process(pid).container from /proc/PID/cgroup', () => {
  const mnt = cgroup2Mount();
  const sleepers: ChildProcess[] = [];
  const made: string[] = [];
  let original = '/';

  before(() => {
    if (!mnt && REQUIRE_ALL) assert.fail('no cgroup2 mount');
  });

  after(() => {
    for (const c of sleepers) {
      try { writeFileSync(`${mnt}${original === '/' ? '' : original}/cgroup.procs`, String(c.pid)); } catch { /* gone */ }
      try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    for (const d of made.reverse()) {
      for (let i = 0; i < 50; i++) {
        try { rmdirSync(d); break; } catch { spawnSync('sleep', ['0.05']); }
      }
    }
  });

  const cases = [
    { name: 'docker (systemd driver)', path: (id: string) => [`docker-${id}.scope`], pod: null as string | null, runtime: 'docker' },
    { name: 'containerd in a kubepods pod slice', path: (id: string, pod: string) => [`kubepods-besteffort-pod${pod.replace(/-/g, '_')}.slice`, `cri-containerd-${id}.scope`], pod: 'x', runtime: 'containerd' },
  ];
  for (const c of cases) {
    test(`${c.name}: a child moved into the group shows its id`, async (t) => {
      if (!mnt) return t.skip('no cgroup2 mount');
      const id = randomBytes(32).toString('hex');
      const pod = c.pod === null ? undefined : randomUUID();
      let dir = mnt;
      for (const part of c.path(id, pod ?? '')) {
        dir = `${dir}/${part}`;
        mkdirSync(dir);
        made.push(dir);
      }
      const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      sleepers.push(sleeper);
      await new Promise<void>((r) => sleeper.once('spawn', () => r()));
      original = readFileSync(`/proc/${sleeper.pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3);
      writeFileSync(`${dir}/cgroup.procs`, String(sleeper.pid));
      const idx = new OwnerIndex();
      const info = idx.process(sleeper.pid!);
      assert.deepEqual(info?.container, pod ? { runtime: c.runtime, id, pod } : { runtime: c.runtime, id });
      assert.equal(info?.command, 'sleep');
      assert.deepEqual([info?.uid, info?.user], [0, 'root']);
    });
  }
});
