import { setTimeout as sleep } from 'node:timers/promises';
import { addRecord } from '../../src/model/records.js';
import type { SocketRecord, SocketTable } from '../../src/model/table.js';
import type { ReadStats, Source } from '../../src/sources/types.js';

/** A scripted source: serves the given frames in turn (the last one repeats), optionally slowly. */
export class FakeSource implements Source {
  readonly name = 'proc' as const;
  readonly slow = false;
  readonly where = 'fake';
  reads = 0;
  inFlight = 0;
  maxInFlight = 0;
  constructor(public frames: SocketRecord[][], public delayMs = 0) {}
  async read(t: SocketTable): Promise<ReadStats> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.delayMs) await sleep(this.delayMs);
    const f = this.frames[Math.min(this.reads++, this.frames.length - 1)];
    t.clear();
    for (const r of f) addRecord(t, r);
    this.inFlight--;
    return { rows: f.length, duplicates: 0, malformed: 0 };
  }
  close() {}
}

/** n sockets in one state between two loopback hosts, distinct local ports. */
export function sockets(n: number, state: number, rport: number, raddr = '127.0.0.2', lbase = 40000): SocketRecord[] {
  return Array.from({ length: n }, (_, i) => ({ family: 4, state, laddr: '127.0.0.1', lport: lbase + i, raddr, rport }));
}

export const listener = (port: number): SocketRecord => ({ family: 4, state: 10, laddr: '0.0.0.0', lport: port, raddr: '0.0.0.0', rport: 0 });
export const inbound = (port: number, state: number, raddr: string, rport: number): SocketRecord => ({ family: 4, state, laddr: '127.0.0.1', lport: port, raddr, rport });
