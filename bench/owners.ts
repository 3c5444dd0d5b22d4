/**
 * What attributing sockets to processes costs: `node dist/bench/owners.js` (after `npm run build`; root).
 *
 * Over a farm of real loopback sockets (bench/farm.ts, the usual mix without SYN_SENT/SYN_RECV, which
 * need nftables rules in a table the main bench also uses) plus ~1,000 small processes (`sleep`, three
 * fds each), it times in the same run, interleaved round by round, median over the rounds:
 *   `ss -tan`, `ss -tanp`, the netlink sample alone (NetlinkSource.read), and OwnerIndex.update:
 *   steady (nothing changed since an update that finished its work), after churn (TIME_WAIT topped up and 200 new ESTABLISHED pairs: new
 *   inodes; to convergence, no budget), and cold (a new index, every fd of every process);
 * then a sustained run: one tick a second, 50 new pairs per tick, netlink read + update with the
 * default budget, the mean update cost per tick.
 * Every process it starts is stopped by pid at the end (and on SIGINT/SIGTERM, and after 30 minutes).
 *
 *   node dist/bench/owners.js [--size 100000] [--procs 1000] [--rounds 7] [--ticks 20]
 */

import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { SocketTable } from '../src/model/table.js';
import { NetlinkSource } from '../src/sources/netlink.js';
import { OwnerIndex, type UpdateStats } from '../src/sources/owners.js';
import { Farm, mixFor, ssSummary } from './farm.js';
import { command } from './measure.js';
import { fmtMs, median, table } from './stats.js';

const { values: opt } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    procs: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    ticks: { type: 'string', default: '20' },
  },
});
const SIZE = Number(opt.size);
const PROCS = Number(opt.procs);
const ROUNDS = Number(opt.rounds);
const TICKS = Number(opt.ticks);
const HARD_LIMIT_MS = 30 * 60_000;
const WORKER = fileURLToPath(new URL('./farm-worker.js', import.meta.url));

if (spawnSync('sh', ['-c', 'command -v ss']).status !== 0) {
  console.error('bench: ss is missing (apt-get install iproute2)');
  process.exit(1);
}

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const farm = new Farm();
const sleepers: ChildProcess[] = [];
let churner: ChildProcess | null = null;
let stopping = false;

async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of sleepers) { try { process.kill(c.pid!, 'SIGTERM'); } catch { /* gone */ } }
  if (churner?.pid) { try { process.kill(churner.pid, 'SIGKILL'); } catch { /* gone */ } }
  await farm.stop().catch(() => undefined);
  const end = Date.now() + 10_000;
  while (sleepers.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < end) await sleep(50);
  for (const c of sleepers) if (c.exitCode === null && c.signalCode === null) { try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ } }
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
setTimeout(() => { log('bench: time limit reached'); void stopAll().then(() => process.exit(1)); }, HARD_LIMIT_MS).unref();

/** The churn process: a farm worker with a keeping listener; each call opens n new ESTABLISHED pairs. */
async function startChurner(): Promise<(n: number) => Promise<void>> {
  const w = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  churner = w;
  let next = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  await new Promise<void>((resolve) => {
    w.on('message', (m: Record<string, unknown>) => {
      if (m.ready) resolve();
      const fn = pending.get(m.id as number);
      if (fn) { pending.delete(m.id as number); fn(m); }
    });
  });
  const call = (msg: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      const t = setTimeout(() => reject(new Error('churn worker timed out')), 60_000);
      pending.set(id, (m) => { clearTimeout(t); if (m.error) reject(new Error(String(m.error))); else resolve(m); });
      w.send({ ...msg, id });
    });
  const port = (await call({ op: 'listen', host: '127.0.0.1', mode: 'keep' })).port as number;
  return async (n: number) => { await call({ op: 'estab', hosts: ['127.0.0.1'], port, n }); };
}

function timed<T>(fn: () => T): [number, T] {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

try {
  const mix = { ...mixFor(SIZE), synSent: 0, synRecv: 0 };
  log(`farm: ${SIZE} sockets`);
  await farm.build(mix, log);
  log(`${PROCS} sleep processes`);
  for (let i = 0; i < PROCS; i++) {
    const c = spawn('sleep', ['1800'], { stdio: 'ignore' });
    c.on('error', () => {});
    sleepers.push(c);
    if (i % 100 === 99) await sleep(10);
  }
  const churn = await startChurner();
  const src = new NetlinkSource();
  const tab = new SocketTable(1 << 17);
  await src.read(tab);
  const idx = new OwnerIndex();
  idx.update(tab, Infinity); // warm-up: the index and the code

  const res = new Map<string, number[]>();
  const put = (k: string, v: number) => { if (!res.has(k)) res.set(k, []); res.get(k)!.push(v); };
  const ss = command('ss -tan >/dev/null');
  const ssp = command('ss -tanp >/dev/null');
  let lastCold: UpdateStats | null = null, lastChurn: UpdateStats | null = null;
  for (let r = 0; r < ROUNDS; r++) {
    log(`round ${r + 1}/${ROUNDS}`);
    put('ss -tan', (await ss.once()).wallMs);
    put('ss -tanp', (await ssp.once()).wallMs);
    const t0 = performance.now();
    await src.read(tab);
    put('netlink sample (read)', performance.now() - t0);
    idx.update(tab, Infinity); // settle: whatever the last minute left (a refresh, other sessions' processes)
    put('update: steady (nothing changed)', timed(() => idx.update(tab))[0]);
    await farm.topUpTimeWait(mix.timeWait);
    await churn(200);
    await src.read(tab);
    const [churnMs, cs] = timed(() => idx.update(tab, Infinity));
    put('update: after churn (to convergence)', churnMs);
    put('  pids walked after churn', cs.pidsScanned);
    lastChurn = cs;
    const cold = new OwnerIndex();
    const [coldMs, st] = timed(() => cold.update(tab, Infinity));
    put('update: cold full scan', coldMs);
    lastCold = st;
  }

  log(`sustained: ${TICKS} ticks of 1 s, 50 new pairs per tick, default budget`);
  const ticks: number[] = [];
  let lastTick: UpdateStats | null = null;
  for (let k = 0; k < TICKS; k++) {
    const start = performance.now();
    await churn(50);
    await src.read(tab);
    const [ms, s] = timed(() => idx.update(tab));
    ticks.push(ms);
    lastTick = s;
    const left = 1000 - (performance.now() - start);
    if (left > 0) await sleep(left);
  }
  src.close();
  const seen = ssSummary();

  const ssMed = median(res.get('ss -tan')!);
  const rows = [...res].map(([k, v]) => [k, k.includes('pids') ? String(median(v)) : fmtMs(median(v)), k.includes('pids') ? '' : (median(v) / ssMed).toFixed(2)]);
  const mean = ticks.reduce((a, b) => a + b, 0) / ticks.length;
  const coldMed = median(res.get('update: cold full scan')!);
  console.log(`\n## Owner attribution cost, median wall ms over ${ROUNDS} interleaved rounds\n`);
  console.log(`${seen.total} sockets on the box (${Object.entries(seen).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
    `${lastCold!.pids} processes; cold scan read ${lastCold!.fdsRead} fd links; fd counts from stat(): ${idx.fdCountFromStat}; ` +
    `after churn: ${lastChurn!.pidsScanned} pids walked, ${lastChurn!.fdsRead} links read\n`);
  console.log(table(['measure', 'median ms', '÷ ss -tan'], rows));
  console.log(`\nsustained (1 s ticks, 50 new pairs each, budget 50 ms): mean update ${fmtMs(mean)} ms, max ${fmtMs(Math.max(...ticks))} ms ` +
    `(last tick: ${lastTick!.pidsScanned} pids walked, ${lastTick!.fdsRead} links, ${lastTick!.pendingSockets} pending)`);
  const avg = mean + coldMed / 60;
  console.log(`average per 1 s sample incl. a full refresh every 60 s (cold/60): ${fmtMs(avg)} ms = ${(avg / ssMed).toFixed(2)} × ss -tan (target ≤ 0.5)`);
} catch (err) {
  console.error(`bench: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
process.exit(process.exitCode ?? 0);
