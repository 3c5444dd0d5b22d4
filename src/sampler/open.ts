/** The one place that wires a source, the kernel counters and a Sampler: used by the CLI and the worker. */

import { readConntrack } from '../sources/conntrack.js';
import { readCounters } from '../sources/counters.js';
import { readFileSync } from 'node:fs';
import { containerOf, shortId } from '../model/owners.js';
import type { Rule } from '../model/rules.js';
import { openSource, SourceError, type Source } from '../sources/index.js';
import { OwnerIndex } from '../sources/owners.js';
import { procNetDir } from '../sources/proc.js';
import { readPortSettings } from '../sources/sysctl.js';
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
  /** Read every network namespace on the box (--all-netns). */
  allNetns?: boolean;
  /** Open the all-namespaces source even without allNetns, so the query can turn it on (the dashboard's key). */
  netnsToggle?: boolean;
  /** Ms per sample for the other namespaces (default: all of them every sample). */
  netnsBudgetMs?: number;
  /** Alert rules evaluated on every sample (plain data: they cross to the worker thread). */
  rules?: Rule[];
}

/** A namespace's label: the container its reader runs in, with the reader's command; else the command. */
export function containerLabel(reader: number, procRoot: string, comm: string): string | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${reader}/cgroup`, 'utf8');
  } catch {
    return null;
  }
  const c = containerOf(text);
  if (!c || c.runtime === 'systemd') return null;
  return `${c.runtime}:${shortId(c)}${c.pod ? ` pod ${c.pod.slice(0, 8)}` : ''} (${comm})`;
}

async function openAnySource(init: SamplerInit): Promise<Source> {
  const plain = { source: init.source, pid: init.pid };
  const all = !!init.allNetns;
  if (!all && !(init.netnsToggle && init.pid === undefined && init.source !== 'si')) return openSource(plain);
  try {
    return await openSource({ ...plain, allNetns: true, foreign: all, budgetMs: init.netnsBudgetMs, labeler: containerLabel });
  } catch (err) {
    if (all || !(err instanceof SourceError)) throw err;
    return openSource(plain); // no netlink and no /proc here: the key will have nothing to turn on
  }
}

/** Opens the source (a SourceError when it cannot be read) and a sampler over it, not yet started. */
export async function openSampler(init: SamplerInit): Promise<Sampler> {
  const source = await openAnySource(init);
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
    rules: init.rules,
    // /proc/sys answers for our own namespace only: nothing for another one's (--pid)
    readConntrack: init.pid === undefined ? () => readConntrack() : undefined,
    // /proc/sys answers for this process's namespace only: with --pid the headroom is unknown
    readPortSettings: init.pid === undefined ? () => readPortSettings() : undefined,
  });
}
