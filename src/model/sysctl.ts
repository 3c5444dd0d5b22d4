/**
 * The sysctls that decide how many ephemeral ports connect() can pick from, parsed from the text the
 * kernel writes in /proc/sys/net/ipv4 (src/sources/sysctl.ts reads it). Pure: strings in, data out.
 *
 *   ip_local_port_range      "32768\t60999\n"   the ephemeral range, both ends included
 *   ip_local_reserved_ports  "8080,9000-9010\n" ports connect() never picks (empty: none)
 *   tcp_tw_reuse             "2\n"              0 off, 1 on, 2 on for loopback only
 *   tcp_fin_timeout          "60\n"             seconds an orphan stays in FIN_WAIT2
 */

export interface PortSettings {
  /** ip_local_port_range: first and last port, both included. */
  range: [number, number];
  /** ip_local_reserved_ports as inclusive ranges (a single port is [p, p]). */
  reserved: [number, number][];
  /** tcp_tw_reuse (null: not readable). */
  twReuse: number | null;
  /** tcp_fin_timeout in seconds (null: not readable). */
  finTimeout: number | null;
}

/** The sysctl files' text as read (null: the file could not be read). */
export interface PortSysctlText {
  range: string | null;
  reserved: string | null;
  twReuse: string | null;
  finTimeout: string | null;
}

const isPort = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;

/** "32768\t60999" → [32768, 60999]; null unless two ports, the first not above the second. */
export function parsePortRange(text: string): [number, number] | null {
  const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(text);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return isPort(lo) && isPort(hi) && lo <= hi ? [lo, hi] : null;
}

/** "8080,9000-9010" → [[8080, 8080], [9000, 9010]]; "" → []; null for anything else. */
export function parseReservedPorts(text: string): [number, number][] | null {
  const t = text.trim();
  if (t === '') return [];
  const out: [number, number][] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part);
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (!isPort(lo) || !isPort(hi) || lo > hi) return null;
    out.push([lo, hi]);
  }
  return out;
}

/** One integer sysctl ("2\n" → 2); null when it is not one. */
export function parseSysctlInt(text: string): number | null {
  const m = /^\s*(-?\d{1,10})\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * The settings, or null when the range cannot be read or parsed (nothing can be said then). An
 * unreadable or malformed reserved list counts as none; tw_reuse and fin_timeout as unknown (null).
 */
export function portSettingsOf(text: PortSysctlText): PortSettings | null {
  const range = text.range === null ? null : parsePortRange(text.range);
  if (!range) return null;
  return {
    range,
    reserved: (text.reserved === null ? null : parseReservedPorts(text.reserved)) ?? [],
    twReuse: text.twReuse === null ? null : parseSysctlInt(text.twReuse),
    finTimeout: text.finTimeout === null ? null : parseSysctlInt(text.finTimeout),
  };
}

/** Ports connect() can pick from: the range less the reserved ports inside it. */
export function ephemeralSize(s: Pick<PortSettings, 'range' | 'reserved'>): number {
  return s.range[1] - s.range[0] + 1 - reservedInRange(s);
}

/** Reserved ports inside the range (overlapping reserved ranges counted once). */
export function reservedInRange(s: Pick<PortSettings, 'range' | 'reserved'>): number {
  const [lo, hi] = s.range;
  const clipped = s.reserved
    .map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)])
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  let n = 0;
  let end = -1; // last port counted so far
  for (const [a, b] of clipped) {
    const from = Math.max(a, end + 1);
    if (b >= from) n += b - from + 1;
    end = Math.max(end, b);
  }
  return n;
}

/** A 65536-entry mask: 1 for the ports connect() picks from (in the range, not reserved). */
export function ephemeralMask(s: Pick<PortSettings, 'range' | 'reserved'>, into = new Uint8Array(65536)): Uint8Array {
  into.fill(0);
  into.fill(1, s.range[0], s.range[1] + 1);
  for (const [a, b] of s.reserved) into.fill(0, a, b + 1);
  return into;
}
