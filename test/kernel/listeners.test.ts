/**
 * Listeners against the kernel: a process of ours listens on 127.0.91.1 (this test's own address) with
 * a backlog of 2 and never accepts; 6 clients connect, so its accept queue fills (backlog + 1 = 3, the
 * rest of the SYNs are dropped: ListenOverflows). A second listener with a backlog of 128 holds 1. A
 * third gets 4 half-open connections (SYN_RECV: an nftables DROP rule, in a table of this test's own,
 * drops the clients' final ACK). The accept queue and backlog of every source, and of the CLI's JSON,
 * equal `ss -lnt`'s Recv-Q and Send-Q (/proc: the queue, backlog null), SYN_RECV per listener equals
 * ss's; --check's acceptqueue rule fires on the full one.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { isHigh, listListeners, type ListenerRow } from '../../src/model/listeners.js';
import { SocketTable } from '../../src/model/table.js';
import type { JsonSample } from '../../src/output/json.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { ProcSource } from '../../src/sources/proc.js';
import type { Source } from '../../src/sources/types.js';
import { addDropRules, removeDropRules, waitFor } from '../helpers/sockets.js';
import { haveTool, requireTool, suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/listener-child.js', import.meta.url));
const ADDR = '127.0.91.1';
const FULL = 19101, ROOMY = 19102, HALF = 19103;
/** The DROP rule's other port (a SYN drop, unused here: nothing connects to it). */
const UNUSED = 19109;
const NFT_TABLE = 'tcptally_listen_test';
const SYN_WHY = 'SYN_RECV needs an nftables DROP rule on the clients\' final ACK';
const FILTER = `src ${ADDR}`;

/** `ss -lnt`'s Recv-Q / Send-Q of our listeners, by port. */
function ssListeners(): Map<number, { recvQ: number; sendQ: number }> {
  const out = execFileSync('ss', ['-Hlnt', 'src', ADDR], { encoding: 'utf8' });
  const m = new Map<number, { recvQ: number; sendQ: number }>();
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const f = line.trim().split(/\s+/);
    m.set(Number(f[3].slice(f[3].lastIndexOf(':') + 1)), { recvQ: Number(f[1]), sendQ: Number(f[2]) });
  }
  return m;
}

/** SYN_RECV sockets on our address and port, per ss. */
function ssSynRecv(port: number): number {
  return execFileSync('ss', ['-Htan', 'state', 'syn-recv', 'src', `${ADDR}:${port}`], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
}

async function ours(src: Source): Promise<ListenerRow[]> {
  const table = new SocketTable();
  try {
    await src.read(table);
  } finally {
    src.close();
  }
  return listListeners(table, { filter: compileFilter(parseFilter(FILTER)) }).rows;
}

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('listeners against the kernel', { skip: suiteSkip(['ss'], 'ss -lnt is the oracle') }, () => {
  let child: ChildProcess | null = null;
  const clients: net.Socket[] = [];
  let nft = false;

  before(async () => {
    child = spawn(process.execPath, [CHILD, ADDR, '60', `${FULL}:2`, `${ROOMY}:128`, `${HALF}:128`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('listener child silent for 10 s')), 10_000);
      child!.stdout!.once('data', (d: Buffer) => { clearTimeout(timer); resolve(d.toString().trim()); });
      child!.once('exit', (c) => { clearTimeout(timer); reject(new Error(`listener child exited ${c}`)); });
    });
    assert.equal(first, 'ready');
    const connect = (port: number) => {
      const s = net.connect({ host: ADDR, port });
      s.on('error', () => {});
      clients.push(s);
    };
    for (let i = 0; i < 6; i++) connect(FULL);
    connect(ROOMY);
    const full = await waitFor(() => {
      const ss = ssListeners();
      return ss.get(FULL)?.recvQ === 3 && ss.get(ROOMY)?.recvQ === 1;
    }, 10_000);
    assert.ok(full, `the accept queues filled: ${JSON.stringify([...ssListeners()])}`);
    nft = haveTool('nft', SYN_WHY);
    if (nft) {
      addDropRules(UNUSED, HALF, NFT_TABLE);
      for (let i = 0; i < 4; i++) connect(HALF);
      assert.ok(await waitFor(() => ssSynRecv(HALF) === 4, 10_000), `4 SYN_RECV on ${HALF}: ss says ${ssSynRecv(HALF)}`);
    }
  });

  after(() => {
    if (nft) removeDropRules(NFT_TABLE);
    for (const s of clients) s.destroy();
    if (child?.pid && child.exitCode === null) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });

  test('the queue is really full: ss shows backlog + 1 waiting (not vacuous)', () => {
    assert.deepEqual(ssListeners().get(FULL), { recvQ: 3, sendQ: 2 });
    assert.deepEqual(ssListeners().get(ROOMY), { recvQ: 1, sendQ: 128 });
  });

  test('netlink: accept queue and backlog equal ss -lnt\'s Recv-Q / Send-Q; the full one is first and high', async () => {
    const rows = await ours(new NetlinkSource());
    const ss = ssListeners();
    assert.deepEqual(rows.map((r) => [r.address, r.port, r.acceptQueue, r.backlog]),
      [FULL, ROOMY, HALF].map((p) => [ADDR, p, ss.get(p)!.recvQ, ss.get(p)!.sendQ]));
    assert.deepEqual(rows.map(isHigh), [true, false, false]);
  });

  test('SYN_RECV per listener equals ss\'s count on that address and port', async (t) => {
    if (!requireTool(t, 'nft', SYN_WHY)) return;
    // request sockets come and go as clients retry: compare only when ss saw the same before and after
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = [FULL, ROOMY, HALF].map(ssSynRecv);
      const rows = await ours(new NetlinkSource());
      const after = [FULL, ROOMY, HALF].map(ssSynRecv);
      if (before.join() !== after.join()) continue;
      assert.deepEqual(rows.map((r) => r.synRecv), before);
      assert.equal(before[2], 4, 'not vacuous: the half-open listener has its 4');
      return;
    }
    assert.fail('SYN_RECV kept changing for 5 attempts');
  });

  test('/proc: the accept queue equals Recv-Q; the backlog is unknown (null)', async () => {
    const rows = await ours(new ProcSource('/proc/net'));
    const ss = ssListeners();
    assert.deepEqual(rows.map((r) => [r.port, r.acceptQueue, r.backlog, r.fill]).sort(),
      [FULL, ROOMY, HALF].map((p) => [p, ss.get(p)!.recvQ, null, null]).sort());
  });

  test('the CLI\'s JSON: listeners equal ss (netlink; proc with backlog null), owned by the child', () => {
    const ss = ssListeners();
    const j = JSON.parse(cli(['--json', '-f', FILTER]).out) as JsonSample;
    assert.equal(j.listenerCount, 3);
    assert.deepEqual(j.listeners!.map((l) => [l.address, l.port, l.acceptQueue, l.backlog, l.fill]),
      [[ADDR, FULL, ss.get(FULL)!.recvQ, ss.get(FULL)!.sendQ, 150], [ADDR, ROOMY, ss.get(ROOMY)!.recvQ, ss.get(ROOMY)!.sendQ, 0.8],
        [ADDR, HALF, ss.get(HALF)!.recvQ, ss.get(HALF)!.sendQ, 0]]);
    if (nft) assert.equal(j.listeners![2].synRecv, ssSynRecv(HALF));
    if (process.getuid?.() === 0) assert.deepEqual(j.listeners![0].owners.map((o) => o.pid), [child!.pid]);
    assert.ok((j.counters['TcpExt.ListenOverflows'] ?? 0) >= 1, 'the dropped SYNs count as listen overflows');
    const p = JSON.parse(cli(['--json', '--source', 'proc', '-f', FILTER]).out) as JsonSample;
    assert.deepEqual(p.listeners!.map((l) => [l.port, l.acceptQueue, l.backlog]).sort(),
      [[FULL, ss.get(FULL)!.recvQ, null], [ROOMY, ss.get(ROOMY)!.recvQ, null], [HALF, ss.get(HALF)!.recvQ, null]]);
    const top = JSON.parse(cli(['--json', '--top', '1', '-f', FILTER]).out) as JsonSample;
    assert.deepEqual([top.listeners!.map((l) => l.port), top.listenerCount], [[FULL], 3]);
  });

  test('--check: acceptqueue > 80% warns (1); the built-in fills say CRITICAL (2) for a full queue; a high threshold is OK (0)', () => {
    const warn = cli(['--check', '--warn', 'acceptqueue > 80%', '-f', FILTER]);
    assert.equal(warn.code, 1, warn.out + warn.err);
    assert.match(warn.out, /^TCPTALLY WARNING - acceptqueue 150% > 80% \| .* acceptqueue=150%;80;;0( |\n)/);
    const builtIn = cli(['--check', '-f', FILTER]);
    assert.equal(builtIn.code, 2, builtIn.out + builtIn.err);
    assert.match(builtIn.out, /^TCPTALLY CRITICAL - acceptqueue 150% > 100%, acceptqueue 150% >= 80% \(warning\) \| /);
    const ok = cli(['--check', '--warn', 'acceptqueue > 200%', '-f', FILTER]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    const roomy = cli(['--check', '--warn', 'acceptqueue > 80%', '-f', `${FILTER} and sport = ${ROOMY}`]);
    assert.equal(roomy.code, 0, roomy.out + roomy.err);
    const proc = cli(['--check', '--source', 'proc', '--warn', 'acceptqueue > 80%', '-f', FILTER]);
    assert.equal(proc.code, 0, `/proc has no backlog: the rule cannot fire\n${proc.out}${proc.err}`);
  });
});
