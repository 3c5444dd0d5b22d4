/**
 * The netlink source: the kernel's NETLINK_SOCK_DIAG (inet_diag) dump, in-process, exactly as `ss -tan`
 * asks for it (IPv4 then IPv6, states mask 0xfff). The request/reply codec is src/model/inetdiag.ts.
 */

import {
  AF_INET,
  AF_INET6,
  buildDumpRequest,
  decodeDiagDatagram,
  NETLINK_SOCK_DIAG,
  newProgress,
  type DiagProgress,
} from '../model/inetdiag.js';
import type { SocketTable } from '../model/table.js';
import { loadNetlink } from '../parts.js';
import { SourceError, type ReadStats, type Source } from './types.js';

interface RawSocket {
  on(ev: 'message' | 'truncatedMessage', fn: (msg: Buffer) => void): unknown;
  on(ev: 'error', fn: (err: Error) => void): unknown;
  off(ev: string, fn: (...a: never[]) => void): unknown;
  send(msg: Uint8Array, opts?: object, cb?: (err?: Error) => void): void;
  close(): void;
  unref(): void;
}

type RawCtor = new (protocol: number, options?: object) => RawSocket;

function loadRaw(): RawCtor {
  return (loadNetlink() as { RawNetlinkSocket: RawCtor }).RawNetlinkSocket;
}

const DUMP_TIMEOUT_MS = 30_000;

/**
 * Receive into fixed 32 KiB buffers instead of letting the addon peek at each datagram's size first:
 * the kernel sizes dump datagrams by the largest buffer the reader has offered (capped at 32 KiB less
 * its overhead), so a peeking reader gets ~3.7 KiB datagrams (about 2,700 at 100k sockets, each two
 * recvmsg calls, a malloc, a Buffer and a JS callback) and a 32 KiB reader about 320. A larger
 * datagram cannot come from an inet_diag dump; if one did, it arrives as 'truncatedMessage' and the
 * read fails rather than undercount.
 */
const RECV_BUFFER_BYTES = 32 * 1024;

export class NetlinkSource implements Source {
  readonly name = 'netlink' as const;
  readonly slow = false;
  readonly where = 'NETLINK_SOCK_DIAG';
  private sock: RawSocket | null = null;
  private seq = 1;
  /** Ends the dump in flight with an error (close() calls it: no reply will come). */
  private abortDump: ((err: Error) => void) | null = null;

  /** Opens the netlink socket; throws SourceError when the platform or the addon cannot. */
  constructor() {
    if (process.platform !== 'linux') throw new SourceError('netlink needs Linux');
    let Raw: RawCtor;
    try {
      Raw = loadRaw();
    } catch (err) {
      throw new SourceError(`netlink addon unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
    try {
      this.sock = new Raw(NETLINK_SOCK_DIAG, {
        recvBufferSize: 1 << 20,
        sendBufferSize: 1 << 16,
        messagePeeking: false,
        msgBufferSize: RECV_BUFFER_BYTES,
      });
    } catch (err) {
      throw new SourceError(`cannot open a NETLINK_SOCK_DIAG socket: ${(err as Error).message}`);
    }
    this.sock.unref();
  }

  async read(table: SocketTable): Promise<ReadStats> {
    table.clear();
    const a = await this.dump(AF_INET, table);
    const b = await this.dump(AF_INET6, table);
    return { rows: a.rows + b.rows, duplicates: 0, malformed: a.skipped + b.skipped };
  }

  private dump(family: number, table: SocketTable): Promise<DiagProgress> {
    const sock = this.sock;
    if (!sock) return Promise.reject(new SourceError('netlink source is closed'));
    const seq = this.seq++;
    return new Promise<DiagProgress>((resolve, reject) => {
      const p = newProgress();
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.abortDump = null;
        sock.off('message', onMessage);
        sock.off('truncatedMessage', onTruncated);
        sock.off('error', onError);
        if (err) reject(err);
        else resolve(p);
      };
      const onMessage = (msg: Buffer) => {
        if (msg.length >= 12 && msg.readUInt32LE(8) !== seq) return; // a late reply to an earlier dump
        decodeDiagDatagram(msg, table, p);
        if (p.done) {
          finish(p.error ? new SourceError(`netlink inet_diag dump failed: errno ${-p.error}`) : undefined);
        }
      };
      const onTruncated = () => finish(new SourceError(`netlink datagram larger than ${RECV_BUFFER_BYTES} bytes (truncated)`));
      const onError = (err: Error) => finish(new SourceError(`netlink: ${err.message}`));
      const timer = setTimeout(() => finish(new SourceError('netlink dump timed out')), DUMP_TIMEOUT_MS);
      sock.on('message', onMessage);
      sock.on('truncatedMessage', onTruncated);
      sock.on('error', onError);
      this.abortDump = finish;
      sock.send(buildDumpRequest(family, seq), {}, (err) => {
        if (err) finish(new SourceError(`netlink send: ${err.message}`));
      });
    });
  }

  /**
   * Closes the socket. A dump in flight fails at once ("netlink source is closed"): its reply will
   * never come, and its 30 s timeout timer would otherwise keep the process alive that long (a
   * --watch ended by Ctrl-C during a sample hung until then).
   */
  close(): void {
    this.abortDump?.(new SourceError('netlink source is closed'));
    this.sock?.close();
    this.sock = null;
  }
}
