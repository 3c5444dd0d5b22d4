import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  buildDumpRequest,
  decodeDiagDatagram,
  newProgress,
} from '../../src/model/inetdiag.js';
import { formatAddress } from '../../src/model/address.js';
import { SocketTable } from '../../src/model/table.js';
import { fixture, ssRows, tableRows } from '../helpers/fixtures.js';

// Bytes `ss -tanH` (iproute2 6.1) sends, captured with `strace -e trace=sendmsg -e write=all`.
const SS_REQUEST_V4 =
  '480000001400010340e20100000000000206' + '0000ff0f0000' + '00'.repeat(48);
const SS_REQUEST_V6 =
  '480000001400010340e2010000000000' + '0a06' + '0000ff0f0000' + '00'.repeat(48);

test('the dump request is byte for byte what ss sends', () => {
  assert.equal(buildDumpRequest(AF_INET, 123456).toString('hex'), SS_REQUEST_V4);
  assert.equal(buildDumpRequest(AF_INET6, 123456).toString('hex'), SS_REQUEST_V6);
});

function decodeFixture(): { table: SocketTable; done4: boolean; done6: boolean } {
  const table = new SocketTable(4);
  const p4 = newProgress();
  const p6 = newProgress();
  for (const line of fixture('kernel-inetdiag.hex').toString().trim().split('\n')) {
    const [fam, hex] = line.split(' ');
    decodeDiagDatagram(Buffer.from(hex, 'hex'), table, fam === '4' ? p4 : p6);
  }
  return { table, done4: p4.done, done6: p6.done };
}

test('captured kernel replies decode to exactly the sockets ss saw', () => {
  const { table, done4, done6 } = decodeFixture();
  assert.ok(done4 && done6, 'both dumps end with NLMSG_DONE');
  assert.deepEqual(tableRows(table), ssRows(fixture('kernel-ss.txt').toString()));
});

test('addresses and families decode from the captured replies', () => {
  const { table } = decodeFixture();
  const seen = new Set<string>();
  for (let i = 0; i < table.n; i++) {
    seen.add(`${table.family[i]} ${formatAddress(table.family[i], table.laddr, i * 4)}`);
  }
  assert.ok(seen.has('4 127.0.0.1'));
  assert.ok(seen.has('6 ::1'));
  assert.ok(seen.has('6 ::ffff:127.0.0.1'), 'IPv4-mapped server side of a dual-stack listener');
  assert.ok(seen.has('6 ::'), 'the [::] listener');
});

test('an NLMSG_ERROR reply ends the dump with its errno', () => {
  const b = Buffer.alloc(36);
  b.writeUInt32LE(36, 0);
  b.writeUInt16LE(2, 4);
  b.writeInt32LE(-13, 16);
  const p = decodeDiagDatagram(b, new SocketTable(), newProgress());
  assert.equal(p.done, true);
  assert.equal(p.error, -13);
});

test('a truncated message is skipped, never thrown', () => {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(200, 0); // claims more than the datagram holds
  b.writeUInt16LE(20, 4);
  const t = new SocketTable();
  const p = decodeDiagDatagram(b, t, newProgress());
  assert.equal(t.n, 0);
  assert.equal(p.skipped, 1);
});

test('queues: a captured LISTEN row\'s idiag_rqueue / idiag_wqueue equal ss\'s Recv-Q / Send-Q (accept queue / backlog); other rows stay 0', () => {
  const { table } = decodeFixture();
  const port = (a: string) => { const p = a.slice(a.lastIndexOf(':') + 1); return p === '*' ? 0 : Number(p); };
  const ss = fixture('kernel-ss.txt').toString().trim().split('\n').map((l) => l.trim().split(/\s+/))
    .map((f) => `${f[0] === 'LISTEN' ? 'L' : '-'} ${port(f[3])} ${port(f[4])} ${f[0] === 'LISTEN' ? `${f[1]}/${f[2]}` : '0/0'}`).sort();
  const ours: string[] = [];
  for (let i = 0; i < table.n; i++) ours.push(`${table.state[i] === 10 ? 'L' : '-'} ${table.lport[i]} ${table.rport[i]} ${table.rqueue[i]}/${table.wqueue[i]}`);
  assert.deepEqual(ours.sort(), ss);
  assert.ok(ss.some((r) => r.startsWith('L ') && r.endsWith(' 0/511')), 'the fixture has backlogs other than 4096');
});
