/**
 * The systeminformation source: portable (macOS, BSD, Windows), slow (it spawns netstat/ss and parses
 * text; 2.8 s at 100k sockets here), and lossy on Linux (its ss path loses FIN_WAIT rows, its netstat
 * path truncates IPv6). A fallback, never the Linux fast path; every output marks it as slow.
 */

import { addRecord, recordOfSi, type SiConnection } from '../model/records.js';
import type { SocketTable } from '../model/table.js';
import { SourceError, type ReadStats, type Source } from './types.js';

export class SiSource implements Source {
  readonly name = 'si' as const;
  readonly slow = true;
  readonly where = 'systeminformation.networkConnections()';

  async read(table: SocketTable): Promise<ReadStats> {
    let conns: SiConnection[];
    try {
      const si = await import('systeminformation');
      conns = (await si.networkConnections()) as SiConnection[];
    } catch (err) {
      throw new SourceError(`systeminformation failed: ${(err as Error).message}`);
    }
    table.clear();
    let malformed = 0;
    for (const c of conns) {
      if (!/^tcp/i.test(c.protocol)) continue;
      const r = recordOfSi(c);
      if (r) addRecord(table, r);
      else malformed++;
    }
    return { rows: table.n, duplicates: 0, malformed };
  }

  close(): void {}
}
