/**
 * A columnar table of sockets: one typed array per field, reused from sample to sample, so that a
 * source can fill it and the tally can walk it without an object per socket.
 *
 * Addresses are four 32-bit words each, in network order read as big-endian numbers
 * (127.0.0.1 is the word 0x7f000001). An IPv4 address keeps words 0..2 at zero.
 *
 * `netns` is the row's network namespace as an index into the sample's namespace list (0 = the
 * reader's own namespace, which is all a single-namespace source ever writes).
 *
 * `rqueue` / `wqueue` are a LISTEN row's accept queue now and backlog (inet_diag's idiag_rqueue /
 * idiag_wqueue: what `ss -lnt` shows as Recv-Q / Send-Q). /proc has the queue but no backlog: its LISTEN
 * rows have wqueue = QUEUE_UNKNOWN; systeminformation has neither. Other rows' queues stay 0: no source
 * decodes them (it would cost the netlink decoder ~15 % at 100k sockets, for nothing shown).
 */

/** A queue the source cannot tell: a LISTEN row's backlog (wqueue) from /proc; both queues from systeminformation. */
export const QUEUE_UNKNOWN = 0xffffffff;

export class SocketTable {
  n = 0;
  family: Uint8Array;
  state: Uint8Array;
  lport: Uint16Array;
  rport: Uint16Array;
  laddr: Uint32Array;
  raddr: Uint32Array;
  inode: Uint32Array;
  netns: Uint32Array;
  rqueue: Uint32Array;
  wqueue: Uint32Array;

  constructor(capacity = 1024) {
    this.family = new Uint8Array(capacity);
    this.state = new Uint8Array(capacity);
    this.lport = new Uint16Array(capacity);
    this.rport = new Uint16Array(capacity);
    this.laddr = new Uint32Array(capacity * 4);
    this.raddr = new Uint32Array(capacity * 4);
    this.inode = new Uint32Array(capacity);
    this.netns = new Uint32Array(capacity);
    this.rqueue = new Uint32Array(capacity);
    this.wqueue = new Uint32Array(capacity);
  }

  clear(): void {
    this.n = 0;
  }

  /** Appends a row with zeroed addresses and queues and returns its index; grows the columns when full. */
  add(family: number, state: number, lport: number, rport: number, inode = 0, netns = 0): number {
    if (this.n === this.family.length) this.grow();
    const i = this.n++;
    this.family[i] = family;
    this.state[i] = state;
    this.lport[i] = lport;
    this.rport[i] = rport;
    this.inode[i] = inode;
    this.netns[i] = netns;
    this.rqueue[i] = 0;
    this.wqueue[i] = 0;
    const a = i * 4;
    this.laddr[a] = this.laddr[a + 1] = this.laddr[a + 2] = this.laddr[a + 3] = 0;
    this.raddr[a] = this.raddr[a + 1] = this.raddr[a + 2] = this.raddr[a + 3] = 0;
    return i;
  }

  /** Drops the last row (a source that decided a row is a duplicate). */
  pop(): void {
    if (this.n > 0) this.n--;
  }

  /** Appends every row of `src` with its netns column set to `netns` (one namespace read apart). */
  append(src: SocketTable, netns: number): void {
    const n = src.n;
    while (this.family.length < this.n + n) this.grow();
    const i = this.n;
    this.family.set(src.family.subarray(0, n), i);
    this.state.set(src.state.subarray(0, n), i);
    this.lport.set(src.lport.subarray(0, n), i);
    this.rport.set(src.rport.subarray(0, n), i);
    this.inode.set(src.inode.subarray(0, n), i);
    this.laddr.set(src.laddr.subarray(0, n * 4), i * 4);
    this.raddr.set(src.raddr.subarray(0, n * 4), i * 4);
    this.rqueue.set(src.rqueue.subarray(0, n), i);
    this.wqueue.set(src.wqueue.subarray(0, n), i);
    this.netns.fill(netns, i, i + n);
    this.n += n;
  }

  private grow(): void {
    const cap = this.family.length * 2 || 1024;
    const g8 = (a: Uint8Array) => { const b = new Uint8Array(cap); b.set(a); return b; };
    const g16 = (a: Uint16Array) => { const b = new Uint16Array(cap); b.set(a); return b; };
    const g32 = (a: Uint32Array, k: number) => { const b = new Uint32Array(cap * k); b.set(a); return b; };
    this.family = g8(this.family);
    this.state = g8(this.state);
    this.lport = g16(this.lport);
    this.rport = g16(this.rport);
    this.laddr = g32(this.laddr, 4);
    this.raddr = g32(this.raddr, 4);
    this.inode = g32(this.inode, 1);
    this.netns = g32(this.netns, 1);
    this.rqueue = g32(this.rqueue, 1);
    this.wqueue = g32(this.wqueue, 1);
  }
}

/** A socket as plain data: for tests, fixtures and the systeminformation source. */
export interface SocketRecord {
  family: 4 | 6;
  state: number;
  laddr: string;
  lport: number;
  raddr: string;
  rport: number;
  inode?: number;
  /** The table's rqueue / wqueue (default 0). */
  rqueue?: number;
  wqueue?: number;
}
