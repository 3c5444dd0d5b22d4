/** A Snapshot built from plain socket records, as a store would publish it (for output and UI tests). */

import { listListeners } from '../../src/model/listeners.js';
import { tableOf } from '../../src/model/records.js';
import { STATE_SLOTS } from '../../src/model/states.js';
import { tally, type TallyOptions } from '../../src/model/tally.js';
import type { SocketRecord } from '../../src/model/table.js';
import { NO_ALERTS } from '../../src/model/alerts.js';
import type { Snapshot } from '../../src/store/store.js';

export function snapshotOf(records: SocketRecord[], extra: Partial<Snapshot> = {}, opts: TallyOptions = {}): Snapshot {
  const table = tableOf(records);
  const t = tally(table, opts);
  const listeners = listListeners(table, { filter: opts.filter, top: opts.top });
  return {
    seq: 1, viewVersion: 0, time: Date.UTC(2026, 10, 24, 12, 0, 0), source: 'netlink', sourceSlow: false, intervalMs: 1000,
    effectiveIntervalMs: 1000, sampleMs: 1.5, readMs: 1, tallyMs: 0.5, stale: false, skippedTicks: 0, filter: null,
    sortBy: opts.sortBy ?? 'total', ascending: opts.ascending ?? false,
    tally: t, deltas: new Array(STATE_SLOTS).fill(0), counters: { 'Tcp.ActiveOpens': 47, 'TcpExt.ListenDrops': 0 }, rates: {},
    read: { rows: records.length, duplicates: 0, malformed: 0 },
    trend: { series: 0, values: [], times: [], stats: { current: 0, min: 0, max: 0, ratePerSec: 0, points: 0 } },
    agesSince: null,
    attribution: null,
    processInfo: {},
    namespaces: null,
    listeners: listeners.rows,
    listenerCount: listeners.count,
    conntrack: null,
    alerts: NO_ALERTS,
    headroom: null,
    ...extra,
  };
}
