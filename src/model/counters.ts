/**
 * Kernel TCP counters from /proc/net/{snmp,netstat,sockstat,sockstat6}, parsed into flat dotted names:
 * "Tcp.ActiveOpens", "TcpExt.ListenDrops", "sockstat.TCP.tw", "sockstat6.TCP6.inuse".
 */

export type Counters = Record<string, number>;

/** Parses the header/value line pairs of /proc/net/snmp or /proc/net/netstat, keeping the given prefixes. */
export function parseSnmpPairs(text: string, keep: readonly string[], into: Counters = {}): Counters {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i].trim().split(/\s+/);
    const vals = lines[i + 1].trim().split(/\s+/);
    const prefix = head[0]?.replace(/:$/, '');
    if (!prefix || !keep.includes(prefix) || vals[0] !== head[0]) continue;
    // a header line is all words; its values line is all numbers
    if (head.length !== vals.length || !/^-?\d+$/.test(vals[1] ?? '')) continue;
    for (let k = 1; k < head.length; k++) {
      const v = Number(vals[k]);
      if (Number.isFinite(v)) into[`${prefix}.${head[k]}`] = v;
    }
    i++;
  }
  return into;
}

/** Parses /proc/net/sockstat or sockstat6 ("TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1"). */
export function parseSockstat(text: string, name: 'sockstat' | 'sockstat6', into: Counters = {}): Counters {
  for (const line of text.split('\n')) {
    const m = /^(TCP6?|sockets):\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[2].split(/\s+/);
    for (let k = 0; k + 1 < parts.length; k += 2) {
      const v = Number(parts[k + 1]);
      if (Number.isFinite(v)) into[`${name}.${m[1]}.${parts[k]}`] = v;
    }
  }
  return into;
}

/** Counters that are levels, not monotonic event counts: no per-second rate for them. */
function isGauge(name: string): boolean {
  return (
    name.startsWith('sockstat') ||
    name === 'Tcp.CurrEstab' ||
    name === 'Tcp.RtoAlgorithm' ||
    name === 'Tcp.RtoMin' ||
    name === 'Tcp.RtoMax' ||
    name === 'Tcp.MaxConn'
  );
}

/** Per-second rates of the monotonic counters between two readings `dtMs` apart. */
export function counterRates(prev: Counters | null, cur: Counters, dtMs: number): Counters {
  const out: Counters = {};
  if (!prev || dtMs <= 0) return out;
  for (const k of Object.keys(cur)) {
    if (isGauge(k) || !(k in prev)) continue;
    const d = cur[k] - prev[k];
    out[k] = d >= 0 ? (d * 1000) / dtMs : 0; // a wrap or reset reads as 0, never negative
  }
  return out;
}

/** The counters the dashboard's strip and --once show, with their labels. */
export const KEY_COUNTERS: readonly { name: string; label: string; short: string }[] = [
  { name: 'Tcp.ActiveOpens', label: 'active opens', short: 'act.opens' },
  { name: 'Tcp.PassiveOpens', label: 'passive opens', short: 'pas.opens' },
  { name: 'Tcp.OutRsts', label: 'resets sent', short: 'rst' },
  { name: 'Tcp.RetransSegs', label: 'retrans segs', short: 'retrans' },
  { name: 'TcpExt.ListenOverflows', label: 'listen overflows', short: 'ovfl' },
  { name: 'TcpExt.ListenDrops', label: 'listen drops', short: 'drops' },
  { name: 'TcpExt.SyncookiesSent', label: 'SYN cookies sent', short: 'cookies' },
];
