import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bswap32, formatAddress } from '../../src/model/address.js';
import { decodeProcNet } from '../../src/model/procnet.js';
import { RowSet } from '../../src/model/rowset.js';
import { QUEUE_UNKNOWN, SocketTable } from '../../src/model/table.js';
import { fixture, ssRows, tableRows } from '../helpers/fixtures.js';

const HEADER4 =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const HEADER6 =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

function decode(text: string, family: 4 | 6, seen: RowSet | null = new RowSet()) {
  const t = new SocketTable(2);
  const buf = Buffer.from(text, 'latin1');
  const stats = decodeProcNet(buf, buf.length, family, t, seen);
  return { t, stats };
}

test('the captured /proc files decode to exactly the sockets ss saw', () => {
  const t = new SocketTable(2);
  const seen = new RowSet();
  const a = fixture('kernel-tcp.txt');
  const b = fixture('kernel-tcp6.txt');
  decodeProcNet(a, a.length, 4, t, seen);
  const stats = decodeProcNet(b, b.length, 6, t, seen);
  assert.equal(stats.malformed, 0);
  assert.deepEqual(tableRows(t), ssRows(fixture('kernel-ss.txt').toString()));
});

test('IPv4: host-order hex words, hex ports, LISTEN', () => {
  const { t } = decode(
    `${HEADER4}   0: 0302017F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n`,
    4,
  );
  assert.equal(t.n, 1);
  assert.equal(formatAddress(4, t.laddr, 0), '127.1.2.3');
  assert.equal(t.lport[0], 8080);
  assert.equal(t.state[0], 10);
  assert.equal(t.inode[0], 4242);
});

test('a LISTEN row\'s rx_queue is its accept queue, its backlog unknown; other rows\' queues stay 0', () => {
  const { t, stats } = decode(
    HEADER4 +
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:0000001B 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n' +
    '   1: 0100007F:1F90 0100007F:D431 01 00000010:00000020 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1\n' +
    '   2: 0100007F:1F91 00000000:0000 0A 00000000:0000XYZ0 00:00000000 00000000     0        0 4244 1 0000000000000000 100 0 0 10 0\n',
    4,
  );
  assert.equal(stats.rows, 2);
  assert.equal(stats.malformed, 1, 'a LISTEN row with a bad queue field is malformed');
  assert.deepEqual([t.rqueue[0], t.wqueue[0]], [27, QUEUE_UNKNOWN]);
  assert.deepEqual([t.rqueue[1], t.wqueue[1]], [0, 0]);
});

test('the captured LISTEN rows: rx_queue equals ss\'s Recv-Q, backlog unknown', () => {
  const t = new SocketTable(2);
  const a = fixture('kernel-tcp.txt');
  const b = fixture('kernel-tcp6.txt');
  decodeProcNet(a, a.length, 4, t, null);
  decodeProcNet(b, b.length, 6, t, null);
  const ssListen = fixture('kernel-ss.txt').toString().split('\n').filter((l) => l.startsWith('LISTEN')).map((l) => l.trim().split(/\s+/));
  const ours: string[] = [];
  for (let i = 0; i < t.n; i++) if (t.state[i] === 10) ours.push(`${t.lport[i]} ${t.rqueue[i]} ${t.wqueue[i] === QUEUE_UNKNOWN ? '?' : t.wqueue[i]}`);
  assert.deepEqual(ours.sort(), ssListen.map((f) => `${f[3].slice(f[3].lastIndexOf(':') + 1)} ${f[1]} ?`).sort());
});

test('IPv6 and IPv4-mapped IPv6 addresses', () => {
  const text =
    HEADER6 +
    '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0000000000000000 100 0 0 10 0\n' +
    '   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 20 4 30 10 -1\n' +
    '   2: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 102 1 0000000000000000 100 0 0 10 0\n';
  const { t, stats } = decode(text, 6);
  assert.equal(stats.rows, 3);
  assert.equal(formatAddress(6, t.laddr, 0), '::1');
  assert.equal(formatAddress(6, t.laddr, 4), '::ffff:127.0.0.1');
  assert.equal(formatAddress(6, t.raddr, 4), '::ffff:127.0.0.1');
  assert.equal(t.rport[1], 0xd431);
  assert.equal(formatAddress(6, t.laddr, 8), '2001:db8::1');
});

test('every state code 01..0B decodes; 12-field TIME_WAIT rows and inode-0 request sockets count', () => {
  let text = HEADER4;
  for (let s = 1; s <= 11; s++) {
    const st = s.toString(16).toUpperCase().padStart(2, '0');
    text +=
      s === 6
        ? `   ${s}: 0100007F:A000 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n`
        : `   ${s}: 0100007F:${(0xa000 + s).toString(16).toUpperCase()} 0100007F:1F90 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${s === 3 ? 0 : 500 + s} 1 0000000000000000 20 4 30 10 -1\n`;
  }
  const { t, stats } = decode(text, 4);
  assert.equal(stats.malformed, 0);
  assert.equal(t.n, 11);
  assert.deepEqual(Array.from(t.state.subarray(0, 11)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(t.inode[2], 0); // request socket
});

test('sl >= 10000 loses its leading space and still decodes', () => {
  const { t, stats } = decode(
    `${HEADER4}9999: 0100007F:1F90 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 7 1 0 20 4 30 10 -1\n` +
      `10000: 0100007F:1F91 0100007F:A001 01 00000000:00000000 00:00000000 00000000     0        0 8 1 0 20 4 30 10 -1\n` +
      `123456: 0100007F:1F92 0100007F:A002 01 00000000:00000000 00:00000000 00000000     0        0 9 1 0 20 4 30 10 -1\n`,
    4,
  );
  assert.equal(stats.malformed, 0);
  assert.deepEqual(Array.from(t.lport.subarray(0, 3)), [0x1f90, 0x1f91, 0x1f92]);
});

test('a row repeated while the table churned counts once; REUSEPORT listeners (same tuple, other inode) both count', () => {
  const row = (sl: number, inode: number) =>
    `   ${sl}: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0 100 0 0 10 0\n`;
  const { t, stats } = decode(HEADER4 + row(0, 11) + row(1, 12) + row(2, 11), 4);
  assert.equal(t.n, 2);
  assert.equal(stats.duplicates, 1);
  // de-duplication spans tcp and tcp6 of one sample only through the shared set
  const { t: t2 } = decode(HEADER4 + row(0, 11) + row(1, 11), 4, null);
  assert.equal(t2.n, 2);
});

test('malformed rows are skipped and counted, never thrown', () => {
  const text =
    HEADER4 +
    'garbage\n' +
    '   0: 0100007F:1F90 00000000:0000 0A\n' + // too short
    '   1: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n' + // bad hex
    '   2: 0100007F:1F90 00000000:0000 0C 00000000:00000000 00:00000000 00000000 0 0 1 1\n' + // state 12
    '   3: 0100007F1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n' + // no colon
    '   4: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n' +
    '\n';
  const { t, stats } = decode(text, 4);
  assert.equal(t.n, 1);
  assert.equal(stats.malformed, 5);
  assert.equal(t.inode[0], 77);
});

test('property: any IPv4 address and port round-trip through the /proc encoding', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 65535 }), (addr, port) => {
      const hex = bswap32(addr).toString(16).toUpperCase().padStart(8, '0');
      const p = port.toString(16).toUpperCase().padStart(4, '0');
      const { t } = decode(`${HEADER4}   0: ${hex}:${p} ${hex}:${p} 01 0:0 0:0 0 0 0 5 1\n`, 4);
      return t.n === 1 && t.laddr[3] === addr && t.lport[0] === port && t.raddr[3] === addr && t.rport[0] === port;
    }),
  );
});

test('property: any IPv6 address round-trips through the /proc encoding', () => {
  const word = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(fc.tuple(word, word, word, word), (w) => {
      const hex = w.map((x) => bswap32(x).toString(16).toUpperCase().padStart(8, '0')).join('');
      const { t } = decode(`${HEADER6}   0: ${hex}:0050 ${hex}:0051 01 0:0 0:0 0 0 0 5 1\n`, 6);
      return t.n === 1 && [0, 1, 2, 3].every((k) => t.laddr[k] === w[k] && t.raddr[k] === w[k]);
    }),
  );
});

test('big-endian hosts print network order: decode without swapping', () => {
  const t = new SocketTable();
  const buf = Buffer.from(`${HEADER4}   0: 7F000001:0050 00000000:0000 0A 0:0 0:0 0 0 0 5 1\n`);
  decodeProcNet(buf, buf.length, 4, t, null, false);
  assert.equal(formatAddress(4, t.laddr, 0), '127.0.0.1');
});
