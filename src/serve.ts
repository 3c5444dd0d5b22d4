/**
 * --serve: the Prometheus exporter. An HTTP server on one address with one path, /metrics, that serves
 * the exposition of the latest sample (src/output/prometheus.ts).
 *
 * It samples on its own: a sampler of its own in a worker thread (WorkerStore), on --interval, with a
 * fixed query (the filter given, every service port ranked per state). So a scrape never triggers a
 * socket dump, the HTTP thread never waits for a sample, and beside the dashboard the exporter neither
 * follows the dashboard's keys nor takes the UI thread's time. Each sample is rendered once, on the
 * first scrape that asks for it: concurrent and repeated scrapes share that text.
 */

import http from 'node:http';
import { renderMetrics, CONTENT_TYPE, type ExpositionInput, type ProcessStats } from './output/prometheus.js';
import { tallyTop } from './model/tally.js';
import type { SamplerInit } from './sampler/open.js';
import { WorkerStore } from './sampler/workerStore.js';
import { readPageSize } from './sources/pagesize.js';
import type { Snapshot, Store } from './store/store.js';
import type { ServeAddress } from './args.js';

/** The exporter could not start (exit 1): one line naming the address and why. */
export class ServeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServeError';
  }
}

export type ExporterOptions = {
  address: ServeAddress;
  /** Service ports exported per state (--top). */
  topPorts: number;
  version: string;
} & (
  /** The sampler's setup (source, filter, interval, namespaces): a worker-thread sampler of its own. */
  | { init: SamplerInit; store?: never }
  /** Or the snapshots of a store given (tests). */
  | { store: Store; init?: never }
);

/** The exporter's own sampler: in a worker thread, with the exporter's cuts. */
export function exporterStore(init: SamplerInit, topPorts: number): Store {
  return new WorkerStore({
    ...init,
    trackAges: false,
    netnsToggle: false,
    // the exporter ranks every port per state itself; the other lists are not exported (kept short)
    query: { ...init.query, top: tallyTop(Math.max(1, topPorts)), portTop: 0, trendPoints: 0 },
  });
}

/** "127.0.0.1:9100", "[::1]:9100". */
export function formatServeAddress(a: ServeAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

function listenError(a: ServeAddress, err: NodeJS.ErrnoException): ServeError {
  const why: Record<string, string> = {
    EADDRINUSE: 'address in use',
    EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
    EADDRNOTAVAIL: 'no such address on this host',
  };
  return new ServeError(`cannot listen on ${formatServeAddress(a)}: ${why[err.code ?? ''] ?? err.code ?? err.message}`);
}

const START_TIME_SECONDS = (Date.now() - process.uptime() * 1000) / 1000;

function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, residentBytes: process.memoryUsage.rss(), startTimeSeconds: START_TIME_SECONDS };
}

export class Exporter {
  private readonly server: http.Server;
  private readonly store: Store;
  private readonly pageSize = readPageSize();
  /** The latest snapshot's text, rendered once (on the first scrape after it arrived). */
  private rendered: { snap: Snapshot; body: Promise<Buffer> } | null = null;
  private failure: string | null = null;
  private closed = false;

  private constructor(private readonly opts: ExporterOptions, store: Store) {
    this.store = store;
    this.server = http.createServer((req, res) => this.handle(req, res));
    store.onError((err) => {
      this.failure = err.message;
    });
  }

  /** Listens (a ServeError when it cannot), then starts sampling. */
  static async open(opts: ExporterOptions): Promise<Exporter> {
    const e = new Exporter(opts, opts.store ?? exporterStore(opts.init, opts.topPorts));
    try {
      await new Promise<void>((resolve, reject) => {
        e.server.once('error', reject);
        e.server.listen({ host: opts.address.host, port: opts.address.port }, () => {
          e.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await e.store.close();
      throw listenError(opts.address, err as NodeJS.ErrnoException);
    }
    e.store.start();
    return e;
  }

  /** Where it listens (the port the kernel gave, for port 0 in tests). */
  get address(): ServeAddress {
    const a = this.server.address();
    return typeof a === 'object' && a ? { host: a.address, port: a.port } : this.opts.address;
  }

  /** A fatal error of the sampler (a source that cannot be read): headless, the CLI ends with it. */
  onError(fn: (e: Error) => void): () => void {
    return this.store.onError(fn);
  }

  /** The exposition of the latest sample; null before the first one. */
  body(): Promise<Buffer> | null {
    const snap = this.store.getSnapshot();
    if (!snap) return null;
    if (this.rendered?.snap !== snap) {
      const input: ExpositionInput = {
        snapshot: snap, topPorts: this.opts.topPorts, version: this.opts.version, pageSize: this.pageSize,
        process: processStats(), listeners: snap.listeners, headroom: snap.headroom,
      };
      this.rendered = { snap, body: renderMetrics(input).then((text) => Buffer.from(text, 'utf8')) };
    }
    return this.rendered.body;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const text = (code: number, body: string, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : `${body}\n`);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return text(404, 'not found: tcptally serves /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed: GET or HEAD', { Allow: 'GET, HEAD' });
    if (this.failure) return text(503, `tcptally: ${this.failure}`);
    const body = this.body();
    if (!body) return text(503, 'tcptally: no sample yet', { 'Retry-After': '1' });
    body.then(
      (b) => {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': b.length });
        res.end(req.method === 'HEAD' ? undefined : b);
      },
      (err: Error) => text(500, `tcptally: cannot render metrics: ${err.message}`),
    );
  }

  /** Stops listening (open connections are closed) and stops the sampler. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await Promise.all([done, this.store.close()]);
  }
}

/**
 * Headless: serves until SIGTERM or SIGINT (then closes the server and the sampler: null), or until
 * the sampler fails (closed too: that error).
 */
export async function serveUntilSignal(e: Exporter): Promise<Error | null> {
  const ended = await new Promise<Error | null>((resolve) => {
    e.onError((err) => resolve(err));
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
  });
  await e.close();
  return ended;
}
