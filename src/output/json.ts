/** The JSON / NDJSON face: one object per sample, schema documented in README. */

import { countsToObject, type StateName } from '../model/states.js';
import type { Services } from '../model/services.js';
import type { Snapshot } from '../store/store.js';

export interface JsonSample {
  time: string;
  host: string;
  source: string;
  sourceSlow: boolean;
  intervalMs: number;
  sampleMs: number;
  stale: boolean;
  filter: string | null;
  total: number;
  families: { v4: number; v6: number };
  states: Record<StateName, number>;
  deltas: Record<StateName, number>;
  /** The top `top` rows of each list; the counts say how long each list was before the cut. */
  ports: { port: number; direction: 'in' | 'out'; service: string | null; total: number; states: Record<StateName, number> }[];
  portCount: number;
  peers: { address: string; total: number; states: Record<StateName, number> }[];
  peerCount: number;
  peerPorts: { address: string; port: number; total: number; states: Record<StateName, number> }[];
  peerPortCount: number;
  counters: Record<string, number>;
  rates: Record<string, number>;
  read: { rows: number; duplicates: number; malformed: number };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** One sample as JSON, with at most `top` rows in each of ports, peers and peerPorts (Infinity = all). */
export function toJson(s: Snapshot, host: string, services: Services, top = Infinity): JsonSample {
  const t = s.tally;
  const rates: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.rates)) rates[k] = round3(v);
  return {
    time: new Date(s.time).toISOString(),
    host,
    source: s.source,
    sourceSlow: s.sourceSlow,
    intervalMs: s.intervalMs,
    sampleMs: round3(s.sampleMs),
    stale: s.stale,
    filter: s.filter,
    total: t.total,
    families: { ...t.families },
    states: countsToObject(t.states),
    deltas: countsToObject(s.deltas),
    ports: t.ports.slice(0, top).map((p) => ({
      port: p.port,
      direction: p.direction,
      service: services.nameOf(p.port) ?? null,
      total: p.total,
      states: countsToObject(p.states),
    })),
    portCount: t.portCount,
    peers: t.peers.slice(0, top).map((p) => ({ address: p.address, total: p.total, states: countsToObject(p.states) })),
    peerCount: t.peerCount,
    peerPorts: t.peerPorts.slice(0, top).map((p) => ({
      address: p.address,
      port: p.port ?? 0,
      total: p.total,
      states: countsToObject(p.states),
    })),
    peerPortCount: t.peerPortCount,
    counters: { ...s.counters },
    rates,
    read: { ...s.read },
  };
}
