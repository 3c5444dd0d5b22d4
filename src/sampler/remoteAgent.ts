/**
 * node-remote: the sampler that runs on a remote host (bundled into dist/remote-agent.js, sent over
 * the SSH session to `node`). It reads the remote's /proc (the netlink addon is native code: it is not
 * shipped), counts there, and prints one compact snapshot a sample ("@@tt snap {json}"); it takes its
 * query as JSON lines on stdin and ends when stdin does.
 */

import { createInterface } from 'node:readline';
import { MARK } from '../model/remote.js';
import { readConntrack } from '../sources/conntrack.js';
import { readCounters } from '../sources/counters.js';
import { readPortSettings } from '../sources/sysctl.js';
import { OwnerIndex } from '../sources/owners.js';
import { ProcSource } from '../sources/proc.js';
import type { Rule } from '../model/rules.js';
import type { Query } from '../store/store.js';
import { Sampler } from './sampler.js';

export type ToAgent =
  | { type: 'init'; query: Partial<Query> & { intervalMs: number }; historySeconds: number; owners: boolean; trackAges: boolean; rules: Rule[] }
  | { type: 'query'; query: Partial<Query> };

const say = (verb: string, payload: unknown) => process.stdout.write(`\n${MARK}${verb} ${JSON.stringify(payload)}\n`);

let sampler: Sampler | null = null;

function onMessage(m: ToAgent): void {
  if (m.type === 'init' && !sampler) {
    sampler = new Sampler(new ProcSource('/proc/net'), {
      query: m.query,
      historySeconds: m.historySeconds,
      trackAges: m.trackAges,
      rules: m.rules,
      owners: m.owners ? new OwnerIndex() : undefined,
      readCounters: () => readCounters('/proc/net'),
      readConntrack: () => readConntrack(),
      readPortSettings: () => readPortSettings(),
    });
    sampler.subscribe((s) => say('snap', s));
    sampler.onError((err) => say('error', err.message));
    sampler.start();
  } else if (m.type === 'query') {
    sampler?.setQuery(m.query);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  try {
    onMessage(JSON.parse(line) as ToAgent);
  } catch (err) {
    say('error', `bad message: ${(err as Error).message}`);
  }
});
lines.on('close', () => {
  sampler?.close();
  process.exit(0);
});
