/**
 * Decoder for /proc/net/tcp and /proc/net/tcp6 text, straight from bytes into a SocketTable.
 *
 *    sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
 *     0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 ...
 *
 * An address is the %08X of the in-memory u32 (host order: 127.0.0.1 is 0100007F on x86), IPv6 is four
 * such words. States are hex 01..0B. TIME_WAIT rows are short (12 fields). Request sockets are state 03
 * with inode 0. The kernel drops its bucket locks between reads, so rows may repeat while sockets churn:
 * a row whose 4-tuple and inode were already seen is dropped (REUSEPORT listeners differ by inode).
 * A LISTEN row's rx_queue (`tx_queue:rx_queue`, the 5th field) is its accept queue: it lands in the
 * table's rqueue, with the backlog unknown (wqueue = QUEUE_UNKNOWN); other rows' queues are not decoded.
 */

import { bswap32 } from './address.js';
import type { RowSet } from './rowset.js';
import { QUEUE_UNKNOWN, type SocketTable } from './table.js';

/** TCP_LISTEN in /proc's hex state column. */
const PROC_LISTEN = 0x0a;

export interface DecodeStats {
  rows: number;
  duplicates: number;
  malformed: number;
}

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[65 + c] = HEX[97 + c] = 10 + c;

/** Parses hex digits buf[start..end) as an unsigned number, or -1 if any is not hex or it is empty. */
function hexAt(buf: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 8) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = HEX[buf[i]];
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function decimalAt(buf: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const MAX_TOKENS = 10;
const scratch = new Uint32Array(4);
const scratch2 = new Uint32Array(4);

/**
 * Appends the rows of one /proc/net/tcp{,6} text to `table`.
 * `seen` carries the rows already read across both files of one sample (clear it per sample); null
 * keeps every row.
 */
export function decodeProcNet(
  buf: Uint8Array,
  length: number,
  family: 4 | 6,
  table: SocketTable,
  seen: RowSet | null,
  littleEndian = true,
  stats: DecodeStats = { rows: 0, duplicates: 0, malformed: 0 },
): DecodeStats {
  const ts = new Int32Array(MAX_TOKENS);
  const te = new Int32Array(MAX_TOKENS);
  const addrHex = family === 4 ? 8 : 32;
  let pos = 0;
  const nl: Uint8Array = buf;
  while (pos < length) {
    // the end of the line by memchr (a row is ~150 bytes, of which the decoder needs the first ~100)
    let eol = nl.indexOf(10, pos);
    if (eol < 0 || eol > length) eol = length;
    // split the line into up to MAX_TOKENS whitespace-separated tokens
    let nt = 0;
    let i = pos;
    while (i < eol && nt < MAX_TOKENS) {
      while (i < eol && (buf[i] === 32 || buf[i] === 9)) i++;
      if (i >= eol) break;
      ts[nt] = i;
      while (i < eol && buf[i] !== 32 && buf[i] !== 9) i++;
      te[nt++] = i;
    }
    pos = eol + 1;
    if (nt === 0) continue;
    // header line: "sl local_address ..."
    if (buf[ts[0]] === 115 /* s */ && buf[ts[0] + 1] === 108 /* l */) continue;
    if (!decodeRow(buf, ts, te, nt, addrHex, family, table, littleEndian)) {
      stats.malformed++;
      continue;
    }
    if (seen && !seen.add(table, table.n - 1)) {
      table.pop();
      stats.duplicates++;
      continue;
    }
    stats.rows++;
  }
  return stats;
}

function decodeRow(
  buf: Uint8Array,
  ts: Int32Array,
  te: Int32Array,
  nt: number,
  addrHex: number,
  family: 4 | 6,
  table: SocketTable,
  le: boolean,
): boolean {
  if (nt < MAX_TOKENS) return false;
  // "sl:" — digits then a colon
  if (buf[te[0] - 1] !== 58 || decimalAt(buf, ts[0], te[0] - 1) < 0) return false;
  // local and remote: ADDR:PORT
  const l = ts[1], r = ts[2];
  if (te[1] - l !== addrHex + 5 || buf[l + addrHex] !== 58) return false;
  if (te[2] - r !== addrHex + 5 || buf[r + addrHex] !== 58) return false;
  const lport = hexAt(buf, l + addrHex + 1, te[1]);
  const rport = hexAt(buf, r + addrHex + 1, te[2]);
  const state = hexAt(buf, ts[3], te[3]);
  const inode = decimalAt(buf, ts[9], te[9]);
  if (lport < 0 || rport < 0 || state < 1 || state > 11 || te[3] - ts[3] !== 2 || inode < 0) return false;
  const words = addrHex / 8;
  const lw = scratch, rw = scratch2;
  for (let k = 0; k < words; k++) {
    const a = hexAt(buf, l + k * 8, l + k * 8 + 8);
    const b = hexAt(buf, r + k * 8, r + k * 8 + 8);
    if (a < 0 || b < 0) return false;
    lw[k] = le ? bswap32(a) : a;
    rw[k] = le ? bswap32(b) : b;
  }
  // a LISTEN row's rx_queue is its accept queue; /proc does not show the backlog
  let rq = 0;
  if (state === PROC_LISTEN) {
    let colon = ts[4];
    while (colon < te[4] && buf[colon] !== 58) colon++;
    rq = hexAt(buf, colon + 1, te[4]);
    if (rq < 0 || hexAt(buf, ts[4], colon) < 0) return false;
  }
  const i = table.add(family, state, lport, rport, inode >>> 0);
  if (state === PROC_LISTEN) {
    table.rqueue[i] = rq;
    table.wqueue[i] = QUEUE_UNKNOWN;
  }
  const at = i * 4;
  if (family === 4) {
    table.laddr[at + 3] = lw[0];
    table.raddr[at + 3] = rw[0];
  } else {
    for (let k = 0; k < 4; k++) {
      table.laddr[at + k] = lw[k];
      table.raddr[at + k] = rw[k];
    }
  }
  return true;
}
