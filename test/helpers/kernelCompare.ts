/**
 * Compares what a source reads with `ss -tanH` (the independent oracle), for the sockets of the tests'
 * own ports and addresses.
 */

import assert from 'node:assert/strict';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { stateByCode } from '../../src/model/states.js';
import { SocketTable } from '../../src/model/table.js';
import type { Source } from '../../src/sources/types.js';
import { ssCounts, V4 } from './sockets.js';

const OURS = compileFilter(parseFilter(`addr ${V4} or addr ::1`));

/**
 * Per-state counts (ss names) of one read of `src`, for sockets with a local or remote port in `ports`
 * on the tests' addresses (any address with anyAddress: a namespace of our own). Pass `table` to reuse
 * one table from sample to sample, as the sampler does.
 */
export async function sourceCounts(src: Source, ports: Set<number>, table = new SocketTable(64), anyAddress = false): Promise<Map<string, number>> {
  await src.read(table);
  const m = new Map<string, number>();
  for (let i = 0; i < table.n; i++) {
    if (!ports.has(table.lport[i]) && !ports.has(table.rport[i])) continue;
    if (!anyAddress && !OURS(table, i)) continue;
    const name = stateByCode(table.state[i])!.ssName;
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return m;
}

export const sorted = (m: Map<string, number>) => [...m.entries()].sort();

/**
 * Asserts that `read()` equals ss, retrying (at most 5 times) when ss itself saw the sockets move
 * between its reads before and after ours. Returns ss's counts.
 */
export async function assertEqualsSs(read: () => Promise<Map<string, number>>, ports: Set<number>, netns?: string, anyAddress = false, label = '') {
  let last: [Map<string, number>, Map<string, number>] | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = ssCounts(ports, netns, anyAddress);
    const ours = await read();
    const afterSs = ssCounts(ports, netns, anyAddress);
    if (JSON.stringify(sorted(before)) !== JSON.stringify(sorted(afterSs))) continue; // churn: try again
    last = [ours, before];
    if (JSON.stringify(sorted(ours)) === JSON.stringify(sorted(before))) return before;
  }
  assert.ok(last, `${label}ss kept changing under the test`);
  assert.deepEqual(sorted(last[0]), sorted(last[1]), `${label}per-state counts differ from ss`);
  return last[1];
}
