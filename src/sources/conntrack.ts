/**
 * conntrack fill of this network namespace: `/proc/sys/net/netfilter/nf_conntrack_{count,max}`, which
 * exist only while nf_conntrack is loaded (and answer for the reader's own namespace). Not loaded, or not
 * readable → null: nothing to show, not an error.
 */

import { readFileSync } from 'node:fs';

export interface Conntrack {
  count: number;
  max: number;
}

export const NETFILTER_DIR = '/proc/sys/net/netfilter';

function readNumber(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return null;
  }
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

export function readConntrack(dir = NETFILTER_DIR): Conntrack | null {
  const count = readNumber(`${dir}/nf_conntrack_count`);
  const max = readNumber(`${dir}/nf_conntrack_max`);
  return count === null || max === null ? null : { count, max };
}
