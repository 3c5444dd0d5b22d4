/**
 * The oracle for the owners tests: `ss -tanpH`, parsed into socket → the pids it prints for it
 * (`users:(("node",pid=123,fd=20),("node",pid=124,fd=3))`), keyed by state and both ends.
 */

import { execFileSync } from 'node:child_process';
import { stateByCode } from '../../src/model/states.js';
import type { SocketTable } from '../../src/model/table.js';

export function ssName(state: number): string {
  return stateByCode(state)!.ssName;
}

/** 'ESTAB 127.0.80.1:4000 127.0.80.1:51234' for row i of a table (IPv4 rows only). */
export function socketKey(state: string, t: SocketTable, i: number): string {
  const a = i * 4;
  const ip = (w: number) => `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  return `${state} ${ip(t.laddr[a + 3])}:${t.lport[i]} ${ip(t.raddr[a + 3])}:${t.rport[i]}`;
}

/**
 * Every IPv4 socket of `host` with a local or remote port in `ports`, as ss -tanpH prints it:
 * key → pids (ascending, unique).
 */
export function ssOwners(host: string, ports: ReadonlySet<number>): Map<string, number[]> {
  const out = execFileSync('ss', ['-tanpH'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = new Map<string, number[]>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const [state, , , local, peer] = f;
    const h = (c: string) => c.slice(0, c.lastIndexOf(':'));
    if (h(local) !== host && h(peer) !== host) continue;
    const port = (c: string) => Number(c.slice(c.lastIndexOf(':') + 1));
    if (!ports.has(port(local)) && !ports.has(port(peer))) continue;
    const users = f.slice(5).join(' ');
    const pids = [...new Set([...users.matchAll(/pid=(\d+)/g)].map((x) => Number(x[1])))].sort((a, b) => a - b);
    m.set(`${state} ${local} ${peer.replace(/:\*$/, ':0')}`, pids); // LISTEN's peer 0.0.0.0:* is port 0 in the dump
  }
  return m;
}
