/**
 * Real sockets on loopback in known TCP states: the kernel is our test peer.
 * Every socket is tracked and closed by closeAll(); nftables rules live in a table of our own that
 * removeDropRules() deletes.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The tests' own IPv4 loopback address (all of 127/8 is on lo): sockets left over by anything else on
 * the box (a bench run's 60 s of TIME_WAIT on 127.0.0.x) cannot be mistaken for the test's own, even
 * where their ports collide.
 */
export const V4 = '127.0.77.1';
export const V6 = '::1';
export type Host = typeof V4 | typeof V6 | '127.0.0.1';

export class SocketFarm {
  private servers: net.Server[] = [];
  private sockets: net.Socket[] = [];
  /** Client sides of the ESTABLISHED pairs made by established(), oldest first (reset() takes from the end). */
  private estab: net.Socket[] = [];
  /** Every port this farm listens on or targets. */
  readonly ports = new Set<number>();

  /** A listener on host; returns its port. Accepted sockets are kept open (allowHalfOpen: CLOSE_WAIT). */
  async listen(host: Host | '::' = V4, port = 0): Promise<number> {
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => {});
      this.sockets.push(s);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: 4096 }, () => resolve());
    });
    this.servers.push(server);
    const p = (server.address() as net.AddressInfo).port;
    this.ports.add(p);
    return p;
  }

  /** A client connection; resolves once connected (or, with waitConnect false, at once). */
  async connect(host: Host, port: number, waitConnect = true): Promise<net.Socket> {
    this.ports.add(port);
    const s = net.connect({ host, port, allowHalfOpen: true });
    s.on('error', () => {});
    this.sockets.push(s);
    if (waitConnect) await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    return s;
  }

  /** n ESTABLISHED pairs to a listener (2n sockets: client and server side). */
  async established(host: Host, port: number, n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.estab.push(await this.connect(host, port));
  }

  /**
   * Resets the n newest ESTABLISHED pairs (or all there are): the client sends RST, so both sides leave
   * the kernel's tables at once (no TIME_WAIT, no FIN_WAIT). Resolves once the client side is closed.
   */
  async reset(n: number): Promise<void> {
    for (const s of this.estab.splice(Math.max(0, this.estab.length - n))) {
      await new Promise<void>((resolve) => { s.once('close', () => resolve()); s.resetAndDestroy(); });
    }
  }

  /**
   * n TIME_WAIT sockets: the client closes first (so it gets TIME_WAIT) and the server answers with its
   * own FIN. Needs a listener that ends its side on end (a plain one: see closingListener).
   */
  async timeWait(host: Host, port: number, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const s = await this.connect(host, port);
      await new Promise<void>((resolve) => { s.once('close', () => resolve()); s.end(); });
    }
  }

  /** A listener whose accepted sockets close as soon as the peer does (for TIME_WAIT on the client). */
  async closingListener(host: Host = V4): Promise<number> {
    const server = net.createServer({ allowHalfOpen: false }, (s) => { s.on('error', () => {}); s.resume(); });
    await new Promise<void>((resolve) => server.listen({ host, port: 0 }, () => resolve()));
    this.servers.push(server);
    const p = (server.address() as net.AddressInfo).port;
    this.ports.add(p);
    return p;
  }

  /**
   * n half-closed pairs: the client sends FIN and the server side never closes, so the server side sits
   * in CLOSE_WAIT and the client in FIN_WAIT2 (needs a listen() listener, which keeps allowHalfOpen).
   */
  async closeWait(host: Host, port: number, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const s = await this.connect(host, port);
      s.end();
    }
  }

  async closeAll(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    this.sockets = [];
    this.servers = [];
    this.estab = [];
  }
}

const NFT_TABLE = 'tcptally_test';

/**
 * Drop rules on our own ports: SYNs to `synSentPort` (the client stays in SYN_SENT) and the final ACKs
 * to `synRecvPort` (the listener keeps the connection half-open, SYN_RECV).
 */
export function addDropRules(synSentPort: number, synRecvPort: number, table = NFT_TABLE): void {
  removeDropRules(table);
  const script = `table inet ${table} {
  chain input {
    type filter hook input priority -10; policy accept;
    tcp dport ${synSentPort} tcp flags & (syn | ack) == syn drop
    tcp dport ${synRecvPort} tcp flags & (syn | ack) == ack drop
  }
}
`;
  execFileSync('nft', ['-f', '-'], { input: script });
}

export function removeDropRules(table = NFT_TABLE): void {
  spawnSync('nft', ['delete', 'table', 'inet', table], { stdio: 'ignore' });
}

/** Whether an ss address column ("127.0.77.1:80", "[::1]:80", "[::ffff:127.0.77.1]:80") is one of ours. */
function ourAddress(col: string): boolean {
  const host = col.slice(0, col.lastIndexOf(':')).replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return host === V4 || host === V6;
}

/**
 * Per-state counts from `ss -tanH` for sockets with a local or remote port in `ports` on the tests'
 * addresses (V4, ::1). `anyAddress` drops the address check (a private network namespace).
 */
export function ssCounts(ports: Set<number>, netns?: string, anyAddress = false): Map<string, number> {
  const opts = { encoding: 'utf8' as const, maxBuffer: 1 << 30 }; // a busy box prints megabytes
  const out = netns ? execFileSync('ip', ['netns', 'exec', netns, 'ss', '-tanH'], opts) : execFileSync('ss', ['-tanH'], opts);
  const counts = new Map<string, number>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const lport = Number(f[3].slice(f[3].lastIndexOf(':') + 1));
    const rport = Number(f[4].slice(f[4].lastIndexOf(':') + 1));
    if (!ports.has(lport) && !ports.has(rport)) continue;
    if (!anyAddress && !ourAddress(f[3]) && !ourAddress(f[4])) continue;
    counts.set(f[0], (counts.get(f[0]) ?? 0) + 1);
  }
  return counts;
}

/** Waits until `ok()` holds or `ms` passes; returns whether it held. Bounded. */
export async function waitFor(ok: () => boolean, ms = 3000, step = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return true;
    await sleep(step);
  }
  return ok();
}
