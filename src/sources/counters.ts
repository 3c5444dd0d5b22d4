/** Kernel TCP counters of this (or PID's) network namespace: free at any socket count, read every sample. */

import { readFileSync } from 'node:fs';
import { parseSnmpPairs, parseSockstat, type Counters } from '../model/counters.js';

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

export function readCounters(netDir: string): Counters {
  const out: Counters = {};
  const snmp = readOptional(`${netDir}/snmp`);
  if (snmp) parseSnmpPairs(snmp, ['Tcp'], out);
  const netstat = readOptional(`${netDir}/netstat`);
  if (netstat) parseSnmpPairs(netstat, ['TcpExt'], out);
  const s4 = readOptional(`${netDir}/sockstat`);
  if (s4) parseSockstat(s4, 'sockstat', out);
  const s6 = readOptional(`${netDir}/sockstat6`);
  if (s6) parseSockstat(s6, 'sockstat6', out);
  return out;
}
