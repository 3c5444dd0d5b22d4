/**
 * The NETLINK_SOCK_DIAG (inet_diag) protocol as ss speaks it: the dump request and the reply decoder.
 * Pure Buffer code; src/sources/netlink.ts does the socket I/O.
 *
 * Request = nlmsghdr (16) + inet_diag_req_v2 (56):
 *   u8 family, u8 protocol, u8 ext, u8 pad, u32 states, inet_diag_sockid (48)
 * Reply   = nlmsghdr (16) + inet_diag_msg (72) + attributes:
 *   u8 family, u8 state, u8 timer, u8 retrans,
 *   sockid { be16 sport, be16 dport, be32 src[4], be32 dst[4], u32 if, u32 cookie[2] },
 *   u32 expires, rqueue, wqueue, uid, inode
 */

import type { SocketTable } from './table.js';

export const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
export const AF_INET = 2;
export const AF_INET6 = 10;
const IPPROTO_TCP = 6;
/** The states `ss -tan` asks for: bits 0..11 (the eleven states; request sockets come back as SYN_RECV). */
const SS_STATES_MASK = 0xfff;

const NLMSG_HDRLEN = 16;
/** TCP_LISTEN (include/net/tcp_states.h). */
const LISTEN = 10;
const DIAG_MSG_LEN = 72;

export function buildDumpRequest(family: number, seq: number, states = SS_STATES_MASK): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + 56);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  b.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  b.writeUInt32LE(seq >>> 0, 8);
  b.writeUInt32LE(0, 12);
  b[16] = family;
  b[17] = IPPROTO_TCP;
  b[18] = 0;
  b[19] = 0;
  b.writeUInt32LE(states >>> 0, 20);
  return b;
}

export interface DiagProgress {
  /** Sockets appended so far. */
  rows: number;
  /** NLMSG_DONE seen: the dump of this family is complete. */
  done: boolean;
  /** A negative errno from an NLMSG_ERROR reply, 0 if none. */
  error: number;
  /** Messages of another type or too short to decode. */
  skipped: number;
}

export function newProgress(): DiagProgress {
  return { rows: 0, done: false, error: 0, skipped: 0 };
}

/**
 * Decodes one received datagram (several netlink messages) into `table`.
 * Host byte order is assumed little-endian for netlink headers (as on every Linux target Node ships for
 * with prebuilt netlink binaries); addresses and ports are big-endian on the wire.
 */
export function decodeDiagDatagram(buf: Buffer, table: SocketTable, p: DiagProgress): DiagProgress {
  let off = 0;
  const end = buf.length;
  while (off + NLMSG_HDRLEN <= end) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > end) {
      p.skipped++;
      break;
    }
    const type = buf.readUInt16LE(off + 4);
    if (type === NLMSG_DONE) {
      p.done = true;
      return p;
    }
    if (type === NLMSG_ERROR) {
      p.error = len >= NLMSG_HDRLEN + 4 ? buf.readInt32LE(off + NLMSG_HDRLEN) : -1;
      p.done = true;
      return p;
    }
    if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + DIAG_MSG_LEN) {
      const m = off + NLMSG_HDRLEN;
      const fam = buf[m];
      const family = fam === AF_INET ? 4 : 6;
      const i = table.add(family, buf[m + 1], buf.readUInt16BE(m + 4), buf.readUInt16BE(m + 6), buf.readUInt32LE(m + 68));
      // a listener's accept queue and backlog (read for LISTEN rows only: two reads per row of every
      // state cost ~15 % of the decode at 100k sockets)
      if (buf[m + 1] === LISTEN) {
        table.rqueue[i] = buf.readUInt32LE(m + 56);
        table.wqueue[i] = buf.readUInt32LE(m + 60);
      }
      const at = i * 4;
      if (family === 4) {
        table.laddr[at + 3] = buf.readUInt32BE(m + 8);
        table.raddr[at + 3] = buf.readUInt32BE(m + 24);
      } else {
        for (let k = 0; k < 4; k++) {
          table.laddr[at + k] = buf.readUInt32BE(m + 8 + k * 4);
          table.raddr[at + k] = buf.readUInt32BE(m + 24 + k * 4);
        }
      }
      p.rows++;
    } else {
      p.skipped++;
    }
    off += (len + 3) & ~3;
  }
  return p;
}
