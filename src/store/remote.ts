/**
 * A remote host behind the Store interface (tcptally --ssh DEST): one long-lived SSH session, in one of
 * two modes chosen when it opens. With Node ≥ 20 on the remote, node-remote: our sampler runs there
 * (dist/remote-agent.js) and sends compact snapshots. Otherwise proc-remote: a local Sampler over a
 * ProcRemoteSource, which fetches the remote's /proc text each sample and counts here.
 *
 * A session that ends marks the host down (with ssh's reason) and is reopened with backoff (1 s,
 * doubling, at most 30 s; back to 1 s after a sample arrives). The last snapshot stays, with its link
 * marked down; link changes are also told to onLink listeners (the JSON stream, the fleet).
 */

import { Sampler } from '../sampler/sampler.js';
import { ProcRemoteSource } from '../sources/procRemote.js';
import { SshSession, type SshTarget } from '../sources/ssh.js';
import type { Rule } from '../model/rules.js';
import type { ToAgent } from '../sampler/remoteAgent.js';
import { DEFAULT_QUERY, type Query, type RemoteLink, type Snapshot, type Store } from './store.js';

export interface RemoteHostOptions {
  target: SshTarget;
  query: Partial<Query> & { intervalMs: number };
  historySeconds: number;
  /** Look up socket owners on the remote (node-remote only: proc-remote has no /proc/*\/fd). */
  owners: boolean;
  trackAges?: boolean;
  /** Alert rules, evaluated by the sampler that counts (ours, or the remote's): Snapshot.alerts. */
  rules?: Rule[];
  /** The node-remote bundle's code; null: always proc-remote. */
  agentCode: () => string | null;
  /** Reconnect delays: the first, and the most (default 1 s and 30 s). */
  backoff?: { firstMs: number; maxMs: number };
  /** Ms to wait for a session to open (default 15 s). */
  openTimeoutMs?: number;
  now?: () => number;
}

/** The remote sampler's error line: a JSON string (its message). */
function parseAgentError(rest: string): string {
  try {
    return String(JSON.parse(rest));
  } catch {
    return rest;
  }
}

export class RemoteHost implements Store {
  private link: RemoteLink;
  private snapshot: Snapshot | null = null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly linkListeners = new Set<(l: RemoteLink) => void>();
  private session: SshSession | null = null;
  private readonly source: ProcRemoteSource;
  private sampler: Sampler | null = null;
  private query: Partial<Query> & { intervalMs: number };
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: RemoteHostOptions) {
    this.now = opts.now ?? Date.now;
    this.query = { ...opts.query };
    this.delayMs = this.backoff.firstMs;
    this.source = new ProcRemoteSource(opts.target.dest);
    this.link = { host: opts.target.dest, state: 'connecting', mode: null, bytesPerSample: 0, reason: null, retryAt: null, os: '', since: this.now() };
  }

  private get backoff() {
    return this.opts.backoff ?? { firstMs: 1000, maxMs: 30_000 };
  }

  get host(): string {
    return this.opts.target.dest;
  }

  getSnapshot = (): Snapshot | null => this.snapshot;

  getLink = (): RemoteLink => this.link;

  subscribe = (fn: (s: Snapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  onLink(fn: (l: RemoteLink) => void): () => void {
    this.linkListeners.add(fn);
    return () => this.linkListeners.delete(fn);
  }

  /** A remote host never ends the reader: a failure is a link down, told through onLink. */
  onError(_fn: (e: Error) => void): () => void {
    return () => {};
  }

  private setLink(change: Partial<RemoteLink>): void {
    const next = { ...this.link, ...change };
    if (change.state && change.state !== this.link.state) next.since = this.now();
    this.link = next;
    if (this.snapshot && (change.state || change.reason !== undefined)) this.publish({ ...this.snapshot, remote: next });
    for (const fn of this.linkListeners) fn(next);
  }

  private publish(s: Snapshot): void {
    this.snapshot = s;
    for (const fn of this.listeners) fn(s);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.retryTimer = null;
    if (!this.running) return;
    if (this.link.state !== 'connecting') this.setLink({ state: 'connecting', retryAt: null });
    let session: SshSession;
    try {
      session = await SshSession.open(this.opts.target, { timeoutMs: this.opts.openTimeoutMs });
    } catch (err) {
      this.lost((err as { reason?: string }).reason ?? (err as Error).message);
      return;
    }
    if (!this.running) {
      session.close();
      return;
    }
    this.session = session;
    session.onExit((e) => {
      if (this.session === session) this.lost(e.reason);
    });
    const hello = session.hello!;
    const code = hello.node ? this.opts.agentCode() : null;
    if (code) {
      try {
        await session.startNode(code);
      } catch (err) {
        if (this.session === session) this.lost((err as { reason?: string }).reason ?? (err as Error).message);
        return;
      }
      if (this.session !== session) return;
      session.onLine((l) => {
        if (this.session !== session) return;
        if (l.verb === 'snap') this.fromAgent(l.rest);
        else if (l.verb === 'error') this.lost(parseAgentError(l.rest));
      });
      const init: ToAgent = {
        type: 'init',
        query: { ...this.query },
        historySeconds: this.opts.historySeconds,
        owners: this.opts.owners,
        trackAges: !!this.opts.trackAges,
        rules: this.opts.rules ?? [],
      };
      session.send(init);
      this.setLink({ state: 'up', mode: 'node-remote', os: hello.os, reason: null, retryAt: null });
    } else {
      this.source.session = session;
      this.setLink({ state: 'up', mode: 'proc-remote', os: hello.os, reason: null, retryAt: null });
      this.procSampler().start();
    }
  }

  /** The local sampler of proc-remote: one for the host's life, so its history survives a reconnect. */
  private procSampler(): Sampler {
    if (this.sampler) return this.sampler;
    const sampler = new Sampler(this.source, {
      query: this.query,
      historySeconds: this.opts.historySeconds,
      trackAges: this.opts.trackAges,
      rules: this.opts.rules,
      readCounters: () => this.source.counters,
      now: this.now,
    });
    sampler.subscribe((s) => {
      this.delayMs = this.backoff.firstMs;
      this.link = { ...this.link, bytesPerSample: this.source.bytesPerSample };
      this.publish({ ...s, remote: this.link });
    });
    // a read that failed because the session ended: its exit marks the host down; any other failure
    // (the remote's /proc/net/tcp unreadable) too, with its message, and the session is reopened
    sampler.onError((err) => {
      if (this.session && !this.session.closed) this.lost(err.message);
    });
    this.sampler = sampler;
    return sampler;
  }

  private fromAgent(json: string): void {
    let s: Snapshot;
    try {
      s = JSON.parse(json) as Snapshot;
    } catch {
      return;
    }
    this.delayMs = this.backoff.firstMs;
    this.link = { ...this.link, bytesPerSample: json.length };
    this.publish({ ...s, source: 'node-remote', remote: this.link });
  }

  /** The session ended (or never opened): down, with why, and a reconnect after the backoff. */
  private lost(reason: string): void {
    // no longer ours before it is closed: its exit must not say "down" a second time, without the reason
    const session = this.session;
    this.session = null;
    session?.close();
    this.source.session = null;
    this.sampler?.stop();
    if (!this.running) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.backoff.maxMs, this.delayMs * 2);
    this.setLink({ state: 'down', reason, retryAt: this.now() + delay });
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  setQuery(change: Partial<Query>): void {
    this.query = { ...this.query, ...change };
    if (this.sampler) this.sampler.setQuery(change);
    if (this.session && this.link.mode === 'node-remote') this.session.send({ type: 'query', query: change } satisfies ToAgent);
  }

  /**
   * Whether the host's dashboard is on screen. A fleet row needs only the counts: its lists are cut to
   * one row while it is not (a node-remote snapshot is then a few KB, not tens), and get the rows the
   * host was opened with back when it is.
   */
  setShown(shown: boolean): void {
    this.setQuery({ top: shown ? this.opts.query.top ?? 0 : 1 });
  }

  getQuery(): Query {
    return { ...DEFAULT_QUERY, ...this.query };
  }

  close(): void {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.sampler?.close(); // closes the source and its session
    this.session?.close();
    this.session = null;
  }
}
