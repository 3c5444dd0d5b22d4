/**
 * The socket farm: real loopback sockets in a realistic mix, held by several worker processes (the
 * per-process limit of 20,000 open files here), IPv4 and ::1, clients spread over many 127.0.0.x
 * destinations (the ephemeral range allows ~28k connections per destination address and port). SYN_SENT and SYN_RECV come from
 * nftables DROP rules on the farm's own ports. stop() removes the rules and ends every worker by pid.
 */

import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./farm-worker.js', import.meta.url));
/**
 * One table per bench process: two farms at once (benches in two checkouts) must not delete or replace
 * each other's rules, which turns the other's SYN_SENT and SYN_RECV sockets into ESTABLISHED ones.
 */
const NFT_TABLE = `tcptally_bench_${process.pid}`;
const FDS_PER_WORKER = 16_000;

export interface Mix {
  established: number; // sockets (pairs × 2)
  timeWait: number;
  closeWait: number; // and as many FIN_WAIT2
  synSent: number;
  synRecv: number;
  /** Share of established sockets on ::1. */
  v6Share: number;
}

/** The mix for a target total: ~50% ESTABLISHED, ~40% TIME_WAIT, ~6% CLOSE_WAIT + FIN_WAIT2, ~2% SYN_*. */
export function mixFor(total: number): Mix {
  return {
    established: Math.round(total * 0.5 / 2) * 2,
    timeWait: Math.round(total * 0.4),
    closeWait: Math.round(total * 0.03),
    synSent: Math.min(1000, Math.round(total * 0.01)),
    synRecv: Math.min(1000, Math.round(total * 0.01)),
    v6Share: 0.1,
  };
}

interface Worker {
  proc: ChildProcess;
  pending: Map<number, (m: Record<string, unknown>) => void>;
}

let nextId = 1;

function call(w: Worker, msg: Record<string, unknown>, timeoutMs = 300_000): Promise<Record<string, unknown>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`farm worker ${w.proc.pid} timed out on ${String(msg.op)}`)), timeoutMs);
    w.pending.set(id, (m) => {
      clearTimeout(t);
      if (m.error) reject(new Error(String(m.error)));
      else resolve(m);
    });
    w.proc.send({ ...msg, id });
  });
}

export class Farm {
  private workers: Worker[] = [];
  private rules = false;
  private twPorts: number[] = [];
  private twPorts6: number[] = [];
  /** Destinations: listeners bind 0.0.0.0, clients spread over 127.0.0.2..61 (many peers). */
  readonly hosts4 = Array.from({ length: 60 }, (_, i) => `127.0.0.${i + 2}`);
  readonly hosts6 = ['::1'];

  async start(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const proc = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const w: Worker = { proc, pending: new Map() };
      await new Promise<void>((resolve) => {
        proc.on('message', (m: Record<string, unknown>) => {
          if (m.ready) resolve();
          const fn = w.pending.get(m.id as number);
          if (fn) { w.pending.delete(m.id as number); fn(m); }
        });
      });
      this.workers.push(w);
    }
  }

  get pids(): number[] {
    return this.workers.map((w) => w.proc.pid!).filter(Boolean);
  }

  /** Builds the mix; returns when every socket is in place. */
  async build(mix: Mix, log: (s: string) => void = () => {}): Promise<void> {
    const fds = mix.established + 2 * mix.closeWait + mix.synSent + 2 * mix.synRecv;
    const need = Math.max(2, Math.ceil(fds / FDS_PER_WORKER) + 1);
    if (this.workers.length < need) await this.start(need - this.workers.length);
    const W = this.workers;
    const listen = async (w: Worker, host: string, mode: 'keep' | 'close') => (await call(w, { op: 'listen', host, mode })).port as number;
    // keeping listeners (ESTABLISHED, CLOSE_WAIT) in every worker; clients connect to the next worker's
    const keep4 = await Promise.all(W.map((w) => listen(w, '0.0.0.0', 'keep')));
    const keep6 = await Promise.all(W.map((w) => listen(w, '::1', 'keep')));
    // closing listeners in every worker too: one busy acceptor overflows its queue and SYNs back off
    this.twPorts = await Promise.all(W.map((w) => listen(w, '0.0.0.0', 'close')));
    this.twPorts6 = await Promise.all(W.map((w) => listen(w, '::1', 'close')));
    const per = (x: number) => Math.ceil(x / W.length);
    const v6 = Math.round((mix.established / 2) * mix.v6Share);
    const v4 = mix.established / 2 - v6;
    log(`farm: ${W.length} workers; ESTABLISHED ${mix.established}`);
    await Promise.all(W.map((w, i) => call(w, { op: 'estab', hosts: this.hosts4, port: keep4[(i + 1) % W.length], n: per(v4) })));
    await Promise.all(W.map((w, i) => call(w, { op: 'estab', hosts: this.hosts6, port: keep6[(i + 1) % W.length], n: per(v6) })));
    log(`farm: CLOSE_WAIT/FIN_WAIT2 ${mix.closeWait} each`);
    await Promise.all(W.map((w, i) => call(w, { op: 'cw', hosts: this.hosts4, port: keep4[(i + 1) % W.length], n: per(mix.closeWait) })));
    if (mix.synSent + mix.synRecv > 0 && nftOk()) {
      const synSentPort = await listen(W[0], '0.0.0.0', 'keep');
      const synRecvPorts = await Promise.all(W.map((w) => listen(w, '0.0.0.0', 'keep')));
      addRules(synSentPort, synRecvPorts);
      this.rules = true;
      log(`farm: SYN_SENT ${mix.synSent}, SYN_RECV ${mix.synRecv} (nftables DROP rules)`);
      await call(W[W.length - 1], { op: 'pending', hosts: this.hosts4, port: synSentPort, n: mix.synSent });
      await Promise.all(W.map((w, i) => call(w, { op: 'pending', hosts: this.hosts4, port: synRecvPorts[(i + 1) % W.length], n: per(mix.synRecv) })));
    }
    await this.topUpTimeWait(mix.timeWait, log);
  }

  /** Tops TIME_WAIT up to `target` (they live 60 s): creates target − current. */
  async topUpTimeWait(target: number, log: (s: string) => void = () => {}): Promise<void> {
    const have = ssStateCount('time-wait');
    const missing = target - have;
    if (missing <= 0) return;
    log(`farm: TIME_WAIT ${have} → ${target}`);
    const W = this.workers;
    const v6 = Math.round(missing * 0.05);
    const k = W.length;
    await Promise.all(W.map((w, i) => call(w, { op: 'tw', hosts: this.hosts4, port: this.twPorts[(i + 1) % k], n: Math.ceil((missing - v6) / k) })));
    if (v6 > 0) await Promise.all(W.map((w, i) => call(w, { op: 'tw', hosts: this.hosts6, port: this.twPorts6[(i + 1) % k], n: Math.ceil(v6 / k) })));
  }

  async stop(): Promise<void> {
    if (this.rules) removeRules();
    this.rules = false;
    await Promise.all(this.workers.map((w) => call(w, { op: 'exit' }, 5000).catch(() => undefined)));
    for (const w of this.workers) {
      try { process.kill(w.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    this.workers = [];
  }
}

export function nftOk(): boolean {
  return spawnSync('nft', ['list', 'tables'], { stdio: 'ignore' }).status === 0;
}

function addRules(synSentPort: number, synRecvPorts: number[]): void {
  removeRules();
  removeStaleTables();
  const script = `table inet ${NFT_TABLE} {
  chain input {
    type filter hook input priority -10; policy accept;
    tcp dport ${synSentPort} tcp flags & (syn | ack) == syn drop
    tcp dport { ${synRecvPorts.join(', ')} } tcp flags & (syn | ack) == ack drop
  }
}
`;
  execFileSync('nft', ['-f', '-'], { input: script });
}

export function removeRules(): void {
  spawnSync('nft', ['delete', 'table', 'inet', NFT_TABLE], { stdio: 'ignore' });
}

/** Tables left by bench processes that are gone (killed before they could clean up). */
export function removeStaleTables(): void {
  const r = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' });
  for (const m of (r.stdout ?? '').matchAll(/^table inet (tcptally_bench_(\d+))$/gm)) {
    try {
      process.kill(Number(m[2]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') spawnSync('nft', ['delete', 'table', 'inet', m[1]], { stdio: 'ignore' });
    }
  }
}

/** Per-state socket counts as ss sees them (the whole box). */
export function ssSummary(): Record<string, number> {
  const out = execFileSync('ss', ['-tanH'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const m: Record<string, number> = {};
  let total = 0;
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const st = line.slice(0, sp);
    m[st] = (m[st] ?? 0) + 1;
    total++;
  }
  m.total = total;
  return m;
}

function ssStateCount(state: string): number {
  const out = execFileSync('ss', ['-tanH', 'state', state], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.split('\n').filter((l) => l.trim()).length;
}
