/**
 * A store fed by a script instead of a sampler: snapshots that change the way a busy box's do from one
 * tick to the next (counts drift, table rows trade places, the trend grows). Used by the UI frame
 * benchmark (bench/ui-frame.ts) and the Output equivalence test (test/ui/fastOutput.test.tsx).
 */

import { KEY_COUNTERS, type Counters } from '../../src/model/counters.js';
import { parseServices, type Services } from '../../src/model/services.js';
import type { PeerRow, PortRow, Tally } from '../../src/model/tally.js';
import { NO_ALERTS } from '../../src/model/alerts.js';
import type { Snapshot, Store } from '../../src/store/store.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same frames. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SCRIPT_SERVICES_TEXT = [
  'ssh 22/tcp',
  'http 80/tcp',
  'https 443/tcp',
  'postgresql 5432/tcp',
  'redis 6379/tcp',
  'http-alt 8080/tcp',
  'mysql 3306/tcp',
  'amqp 5672/tcp',
  'prometheus 9090/tcp',
  'memcache 11211/tcp',
].join('\n');

export interface ScriptOptions {
  seed?: number;
  /** Sockets on the box (the state counts scale with it). */
  sockets?: number;
  /** Rows in each list (the worker posts at most 200). */
  rows?: number;
  /** Extra services text (e.g. a wide-character name). */
  services?: string;
  /** Start the history this many ticks in. */
  history?: number;
}

// ~ the benchmark farm's mix: ESTABLISHED, TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, SYN_SENT, SYN_RECV, LISTEN
const MIX: Record<number, number> = { 1: 0.51, 6: 0.4, 8: 0.03, 5: 0.03, 2: 0.01, 3: 0.01, 10: 0.0012 };
const HISTORY_POINTS = 600;

/** Snapshots one tick apart, each a little different from the one before. */
export class SnapshotScript {
  readonly services: Services;
  private readonly rand: () => number;
  private readonly ports: PortRow[];
  private readonly peers: PeerRow[];
  private readonly peerPorts: PeerRow[];
  private states: number[];
  private history: number[][] = Array.from({ length: 12 }, () => []);
  private times: number[] = [];
  private seq = 0;
  private time = 1_764_000_000_000;
  private counters: Counters = {};

  constructor(private readonly o: ScriptOptions = {}) {
    const sockets = o.sockets ?? 10_000;
    const rows = o.rows ?? 200;
    this.rand = prng(o.seed ?? 1);
    this.services = parseServices(`${SCRIPT_SERVICES_TEXT}\n${o.services ?? ''}`);
    this.states = Array.from({ length: 12 }, (_, c) => Math.round(sockets * (MIX[c] ?? 0)));
    // the extra services first: they are the busiest, on screen at any size
    const known = [22, 80, 443, 5432, 6379, 8080, 3306, 5672, 9090, 11211];
    for (const m of (o.services ?? '').matchAll(/\s(\d+)\/tcp/g)) known.unshift(Number(m[1]));
    this.ports = Array.from({ length: rows }, (_, i) => {
      const port = i < known.length ? known[i] : 20000 + Math.floor(this.rand() * 40000);
      return { port, direction: i % 3 === 1 ? 'out' : 'in', ...this.counts(sockets / (i + 2)) } as PortRow;
    });
    this.peers = Array.from({ length: rows }, (_, i) => ({
      address: i === 7 ? '::1' : i === 9 ? 'fd00:1234:5678:9abc:def0:1234:5678:9abc' : `127.0.${i >> 6}.${(i & 63) + 2}`,
      ...this.counts(sockets / (i + 3)),
    }));
    this.peerPorts = this.peers.map((p, i) => ({ ...p, port: i % 2 ? 443 : 5432 + i, states: [...p.states] }));
    for (let i = 0; i < (o.history ?? 30); i++) this.next();
  }

  private counts(total: number): { total: number; states: number[] } {
    const states = Array.from({ length: 12 }, (_, c) => Math.round(total * (MIX[c] ?? 0) * (0.5 + this.rand())));
    return { total: states.reduce((a, b) => a + b, 0), states };
  }

  /** Drifts a row: a few sockets open, close, enter TIME_WAIT. */
  private drift(r: { total: number; states: number[] }): void {
    if (this.rand() < 0.8) return;
    for (const c of [1, 6, 8]) {
      const d = Math.round((this.rand() - 0.5) * Math.max(2, r.states[c] * 0.1));
      r.states[c] = Math.max(0, r.states[c] + d);
    }
    r.total = r.states.reduce((a, b) => a + b, 0);
  }

  next(): Snapshot {
    this.seq++;
    this.time += 1000;
    const before = this.states;
    this.states = before.map((n, c) => (c === 0 || n === 0 ? n : Math.max(0, n + Math.round((this.rand() - 0.5) * n * 0.04))));
    for (const list of [this.ports, this.peers, this.peerPorts]) {
      for (const r of list) this.drift(r);
      list.sort((a, b) => b.total - a.total);
    }
    const total = this.states.reduce((a, b) => a + b, 0);
    this.history[0].push(total);
    for (let c = 1; c < 12; c++) this.history[c].push(this.states[c]);
    this.times.push(this.time);
    if (this.times.length > HISTORY_POINTS) {
      this.times = this.times.slice(1);
      this.history = this.history.map((h) => h.slice(1));
    }
    const prev = this.counters;
    this.counters = Object.fromEntries(KEY_COUNTERS.map((k, i) => [k.name, (prev[k.name] ?? 0) + (i < 4 ? Math.round(this.rand() * 50 * (4 - i)) : this.rand() < 0.1 ? 1 : 0)]));
    const rates: Counters = this.seq === 1 ? {} : Object.fromEntries(KEY_COUNTERS.map((k) => [k.name, this.counters[k.name] - (prev[k.name] ?? 0)]));
    const tally: Tally = {
      total,
      scanned: total,
      states: this.states,
      families: { v4: total - 3, v6: 3 },
      ports: this.ports.map((r) => ({ ...r, states: [...r.states] })),
      portCount: this.ports.length + 31,
      peers: this.peers.map((r) => ({ ...r, states: [...r.states] })),
      peerCount: this.peers.length + 7,
      peerPorts: this.peerPorts.map((r) => ({ ...r, states: [...r.states] })),
      peerPortCount: this.peerPorts.length + 12,
      processes: [],
      processCount: 0,
      ownership: null,
      namespaces: [],
    };
    const sampleMs = 15 + this.rand() * 10;
    return {
      seq: this.seq,
      viewVersion: 0,
      time: this.time,
      source: 'netlink',
      sourceSlow: false,
      intervalMs: 1000,
      effectiveIntervalMs: 1000,
      sampleMs,
      readMs: sampleMs * 0.8,
      tallyMs: sampleMs * 0.2,
      stale: false,
      skippedTicks: 0,
      filter: null,
      sortBy: 'total',
      ascending: false,
      tally,
      deltas: this.states.map((n, c) => n - before[c]),
      counters: this.counters,
      rates,
      read: { rows: total, duplicates: 0, malformed: 0 },
      // the trend the dashboard asks for first: TIME_WAIT, at most a terminal's width of points
      trend: {
        series: 6,
        values: this.history[6].slice(-200),
        times: this.times.slice(-200),
        stats: { current: this.states[6], min: Math.min(...this.history[6]), max: Math.max(...this.history[6]), ratePerSec: 0, points: this.times.length },
      },
      agesSince: null,
      attribution: null,
      processInfo: {},
      namespaces: null,
      listeners: [],
      listenerCount: 0,
      conntrack: null,
      alerts: NO_ALERTS,
      headroom: null,
    };
  }
}

/** A Store whose snapshots the caller publishes; the view's query is ignored. */
export class ScriptedStore implements Store {
  private snap: Snapshot | null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  constructor(first: Snapshot | null) {
    this.snap = first;
  }
  publish(s: Snapshot): void {
    this.snap = s;
    for (const fn of this.listeners) fn(s);
  }
  subscribe = (fn: (s: Snapshot) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getSnapshot = (): Snapshot | null => this.snap;
  setQuery(): void {}
  onError(): () => void {
    return () => {};
  }
  start(): void {}
  close(): void {}
}
