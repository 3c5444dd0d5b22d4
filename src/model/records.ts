/** Plain socket records ⇄ SocketTable rows: for the systeminformation source, fixtures and tests. */

import { parseAddress } from './address.js';
import { stateCodeOf, TCP } from './states.js';
import { QUEUE_UNKNOWN, SocketTable, type SocketRecord } from './table.js';

function wordsOf(text: string): [number, number, number, number] {
  const t = text === '*' || text === '' ? '0.0.0.0' : text;
  return parseAddress(t)?.words ?? [0, 0, 0, 0];
}

export function addRecord(table: SocketTable, r: SocketRecord): void {
  const i = table.add(r.family, r.state, r.lport, r.rport, r.inode ?? 0);
  table.rqueue[i] = r.rqueue ?? 0;
  table.wqueue[i] = r.wqueue ?? 0;
  const l = wordsOf(r.laddr), rm = wordsOf(r.raddr);
  for (let k = 0; k < 4; k++) {
    table.laddr[i * 4 + k] = l[k];
    table.raddr[i * 4 + k] = rm[k];
  }
}

export function tableOf(records: readonly SocketRecord[]): SocketTable {
  const t = new SocketTable(Math.max(16, records.length));
  for (const r of records) addRecord(t, r);
  return t;
}

/** A connection as systeminformation.networkConnections() reports it. */
export interface SiConnection {
  protocol: string;
  localAddress: string;
  localPort: string;
  peerAddress: string;
  peerPort: string;
  state: string;
}

/**
 * Normalises one systeminformation row to a record, or undefined when it is not TCP or its state is
 * unknown. Its ss path prints ESTAB, FIN-WAIT-1, UNCONN; its netstat path ESTABLISHED, FIN_WAIT1.
 */
export function recordOfSi(c: SiConnection): SocketRecord | undefined {
  if (!/^tcp/i.test(c.protocol)) return undefined;
  const state = stateCodeOf(c.state.replace(/\s+/g, ''));
  if (!state) return undefined;
  const strip = (a: string) => a.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const la = strip(c.localAddress), ra = strip(c.peerAddress);
  const v6 = la.includes(':') || ra.includes(':') || c.protocol.toLowerCase() === 'tcp6';
  const port = (p: string) => (/^\d+$/.test(p) ? Number(p) : 0);
  const r: SocketRecord = {
    family: v6 ? 6 : 4,
    state,
    laddr: la === '*' ? (v6 ? '::' : '0.0.0.0') : la,
    lport: port(c.localPort),
    raddr: ra === '*' ? (v6 ? '::' : '0.0.0.0') : ra,
    rport: port(c.peerPort),
  };
  // it reports no queues: a listener's accept queue and backlog are unknown
  if (state === TCP.LISTEN) r.rqueue = r.wqueue = QUEUE_UNKNOWN;
  return r;
}
