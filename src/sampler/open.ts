/** The one place that wires a source, the kernel counters and a Sampler: used by the CLI and the worker. */

import { readCounters } from '../sources/counters.js';
import { openSource } from '../sources/index.js';
import { OwnerIndex } from '../sources/owners.js';
import { procNetDir } from '../sources/proc.js';
import type { SourceChoice } from '../sources/types.js';
import type { Query } from '../store/store.js';
import { Sampler } from './sampler.js';

export interface SamplerInit {
  source: SourceChoice;
  /** Read PID's network namespace (through /proc/PID/net). */
  pid?: number;
  historySeconds: number;
  query: Partial<Query> & { intervalMs: number };
  /** Track socket ages (the dashboard's drill-down). */
  trackAges?: boolean;
  /** Look up which processes hold the sockets (/proc/*\/fd); not for the systeminformation source. */
  owners?: boolean;
  /** Work per sample for the owner lookup (Infinity: complete before the sample is published). */
  ownersBudgetMs?: number;
}

/** Opens the source (a SourceError when it cannot be read) and a sampler over it, not yet started. */
export async function openSampler(init: SamplerInit): Promise<Sampler> {
  const source = await openSource({ source: init.source, pid: init.pid });
  // counters come from /proc of the same namespace; the systeminformation fallback has none
  const netDir = source.name === 'si' ? null : procNetDir(init.pid);
  return new Sampler(source, {
    query: init.query,
    historySeconds: init.historySeconds,
    trackAges: init.trackAges,
    // inodes are unique box-wide, so /proc/*/fd attributes the sockets of any namespace read
    owners: init.owners && source.name !== 'si' ? new OwnerIndex() : undefined,
    ownersBudgetMs: init.ownersBudgetMs,
    readCounters: netDir ? () => readCounters(netDir) : undefined,
  });
}
