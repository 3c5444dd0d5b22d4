/**
 * proc-remote: a remote host's /proc/net/tcp{,6} and counters, read through its SSH session each
 * sample and decoded here by the same parsers as the local /proc source. All the counting is ours;
 * the wire carries the whole text (~150 bytes a socket), so it suits hosts of up to ~20k sockets.
 */

import { parseSnmpPairs, parseSockstat, type Counters } from '../model/counters.js';
import { decodeProcNet, type DecodeStats } from '../model/procnet.js';
import { isBigEndianMachine, type RemoteSample } from '../model/remote.js';
import { RowSet } from '../model/rowset.js';
import type { SocketTable } from '../model/table.js';
import type { SshSession } from './ssh.js';
import { SourceError, type ReadStats, type Source } from './types.js';

/** Above this many sockets proc-remote costs the remote, the link and us a lot: say so. */
export const PROC_REMOTE_WARN_SOCKETS = 20_000;

/** The counters in one sample's snmp, netstat, sockstat and sockstat6 files. */
export function sampleCounters(s: RemoteSample): Counters {
  const out: Counters = {};
  const text = (name: string) => {
    const b = s.files.get(name);
    return b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1') : null;
  };
  const snmp = text('snmp');
  if (snmp) parseSnmpPairs(snmp, ['Tcp'], out);
  const netstat = text('netstat');
  if (netstat) parseSnmpPairs(netstat, ['TcpExt'], out);
  const s4 = text('sockstat');
  if (s4) parseSockstat(s4, 'sockstat', out);
  const s6 = text('sockstat6');
  if (s6) parseSockstat(s6, 'sockstat6', out);
  return out;
}

export class ProcRemoteSource implements Source {
  readonly name = 'proc-remote' as const;
  readonly slow = false;
  /** The session samples are read through; swapped by a reconnect, null while the host is down. */
  session: SshSession | null = null;
  /** The counters of the last sample read (the sampler's readCounters returns them). */
  counters: Counters = {};
  /** Bytes of the last sample on the wire. */
  bytesPerSample = 0;
  private readonly seen = new RowSet();
  private lastRows = 0;

  constructor(readonly where: string) {}

  async read(table: SocketTable): Promise<ReadStats> {
    const session = this.session;
    // (the messages name no host: the host's link does)
    if (!session || session.closed) throw new SourceError('not connected');
    const s = await session.sample();
    const tcp = s.files.get('tcp');
    if (!tcp) throw new SourceError('cannot read /proc/net/tcp');
    const le = !isBigEndianMachine(session.hello?.machine ?? '');
    table.clear();
    this.seen.clear(this.lastRows);
    const stats: DecodeStats = { rows: 0, duplicates: 0, malformed: 0 };
    decodeProcNet(tcp, tcp.length, 4, table, this.seen, le, stats);
    const tcp6 = s.files.get('tcp6');
    if (tcp6) decodeProcNet(tcp6, tcp6.length, 6, table, this.seen, le, stats);
    this.lastRows = table.n;
    this.counters = sampleCounters(s);
    this.bytesPerSample = s.bytes;
    return stats;
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}
