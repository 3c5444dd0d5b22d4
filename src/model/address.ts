/**
 * IPv4 / IPv6 addresses as four 32-bit words (network order, read big-endian), and their text forms.
 * Pure functions: used by the decoders, the filter language and the outputs.
 */

export type Words = [number, number, number, number];

/** True for ::ffff:a.b.c.d (an IPv4 peer on a dual-stack IPv6 socket). */
export function isMapped(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

export function formatV4(w: number): string {
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
}

/** RFC 5952 text of an IPv6 address (longest zero run compressed, lower case, mapped IPv4 dotted). */
export function formatV6(w0: number, w1: number, w2: number, w3: number): string {
  if (isMapped(w0, w1, w2)) return `::ffff:${formatV4(w3)}`;
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function formatAddress(family: number, w: ArrayLike<number>, at = 0): string {
  return family === 4 ? formatV4(w[at + 3]) : formatV6(w[at], w[at + 1], w[at + 2], w[at + 3]);
}

/** Parses dotted IPv4 text into a word, or returns undefined. */
export function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let w = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    w = w * 256 + n;
  }
  return w >>> 0;
}

/** Parses IPv6 text (with :: and an optional dotted IPv4 tail, brackets and zone stripped). */
export function parseV6(text: string): Words | undefined {
  let t = text;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const pct = t.indexOf('%');
  if (pct >= 0) t = t.slice(0, pct);
  if (!/^[0-9a-fA-F:.]+$/.test(t) || !t.includes(':')) return undefined;
  const lastColon = t.lastIndexOf(':');
  const last = t.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseV4(last);
    if (v4 === undefined) return undefined;
    t = `${t.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const dbl = t.indexOf('::');
  if (dbl !== t.lastIndexOf('::')) return undefined;
  const split = (s: string) => (s === '' ? [] : s.split(':'));
  const head = split(dbl >= 0 ? t.slice(0, dbl) : t);
  const rest = dbl >= 0 ? split(t.slice(dbl + 2)) : [];
  for (const h of [...head, ...rest]) if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
  if (dbl >= 0 ? head.length + rest.length > 7 : head.length !== 8) return undefined;
  const zeros = new Array<string>(8 - head.length - rest.length).fill('0');
  const groups = [...head, ...zeros, ...rest].map((h) => parseInt(h, 16));
  const w: number[] = [];
  for (let i = 0; i < 8; i += 2) w.push(((groups[i] << 16) | groups[i + 1]) >>> 0);
  return w as Words;
}

export interface ParsedAddress {
  family: 4 | 6;
  words: Words;
}

/** Parses an IPv4 or IPv6 address. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { family: 4, words: [0, 0, 0, v4] };
  const v6 = parseV6(text);
  if (v6) return { family: 6, words: v6 };
  return undefined;
}

/** Network-order words of a host-order hex word as /proc prints it on a little-endian machine. */
export function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
