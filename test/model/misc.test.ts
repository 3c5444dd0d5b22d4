import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterRates, parseSnmpPairs, parseSockstat } from '../../src/model/counters.js';
import { History, TOTAL_SERIES } from '../../src/model/history.js';
import { recordOfSi } from '../../src/model/records.js';
import { parseServices } from '../../src/model/services.js';
import { countsToObject, STATE_NAMES, stateCodeOf, TCP_STATES } from '../../src/model/states.js';

test('the state table: eleven states, kernel codes 1..11, each with a meaning and a triage hint', () => {
  assert.deepEqual(TCP_STATES.map((s) => s.name), [...STATE_NAMES]);
  TCP_STATES.forEach((s, i) => {
    assert.equal(s.code, i + 1);
    assert.ok(s.meaning.length > 10 && s.hint.length > 10, s.name);
  });
  assert.deepEqual(Object.keys(countsToObject(new Array(12).fill(0))), [...STATE_NAMES]);
});

test('state names from ss, netstat, systeminformation and users normalise to codes', () => {
  const cases: [string, number][] = [
    ['ESTAB', 1], ['ESTABLISHED', 1], ['SYN-SENT', 2], ['SYN_RECV', 3], ['FIN-WAIT-1', 4], ['FIN_WAIT1', 4],
    ['FIN-WAIT-2', 5], ['TIME-WAIT', 6], ['TIME_WAIT', 6], ['tw', 6], ['UNCONN', 7], ['CLOSE', 7],
    ['CLOSE-WAIT', 8], ['CLOSE_WAIT', 8], ['LAST-ACK', 9], ['LISTEN', 10], ['CLOSING', 11], ['bogus', 0],
  ];
  for (const [w, c] of cases) assert.equal(stateCodeOf(w), c, w);
});

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 100
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 47 2 3 4 5 600 700 8 9 74 0
Udp: InDatagrams NoPorts
Udp: 1 2
`;
const NETSTAT = `TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TW
TcpExt: 1 2 3 4 5
IpExt: InNoRoutes
IpExt: 0
`;

test('snmp/netstat header-value pairs parse into dotted names', () => {
  const c = parseSnmpPairs(SNMP, ['Tcp']);
  assert.equal(c['Tcp.ActiveOpens'], 47);
  assert.equal(c['Tcp.MaxConn'], -1);
  assert.equal(c['Tcp.OutRsts'], 74);
  assert.equal(c['Ip.Forwarding'], undefined);
  const x = parseSnmpPairs(NETSTAT, ['TcpExt']);
  assert.deepEqual(x, { 'TcpExt.SyncookiesSent': 1, 'TcpExt.SyncookiesRecv': 2, 'TcpExt.ListenOverflows': 3, 'TcpExt.ListenDrops': 4, 'TcpExt.TW': 5 });
});

test('sockstat lines parse', () => {
  const c = parseSockstat('sockets: used 120\nTCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\nUDP: inuse 3 mem 0\n', 'sockstat');
  assert.equal(c['sockstat.TCP.tw'], 2);
  assert.equal(c['sockstat.sockets.used'], 120);
  assert.equal(c['sockstat.UDP.inuse'], undefined);
  assert.equal(parseSockstat('TCP6: inuse 4\n', 'sockstat6')['sockstat6.TCP6.inuse'], 4);
});

test('counter rates: per second, only monotonic counters, a reset reads 0', () => {
  const r = counterRates({ 'Tcp.ActiveOpens': 10, 'Tcp.CurrEstab': 5, 'Tcp.OutRsts': 100 }, { 'Tcp.ActiveOpens': 30, 'Tcp.CurrEstab': 9, 'Tcp.OutRsts': 50 }, 2000);
  assert.deepEqual(r, { 'Tcp.ActiveOpens': 10, 'Tcp.OutRsts': 0 });
  assert.deepEqual(counterRates(null, { 'Tcp.ActiveOpens': 1 }, 1000), {});
});

test('history is a bounded ring: oldest dropped, order kept, stats over the window', () => {
  const h = new History(3);
  const states = (tw: number) => { const a = new Array(12).fill(0); a[6] = tw; return a; };
  h.push(0, 1, states(1));
  h.push(1000, 2, states(2));
  h.push(2000, 4, states(4));
  h.push(3000, 8, states(8));
  assert.deepEqual(h.values(6), [2, 4, 8]);
  assert.deepEqual(h.values(TOTAL_SERIES, 2), [4, 8]);
  assert.deepEqual(h.timesMs(), [1000, 2000, 3000]);
  const s = h.stats(6);
  assert.deepEqual(s, { current: 8, min: 2, max: 8, ratePerSec: 3, points: 3 });
  for (let i = 0; i < 10_000; i++) h.push(i, i, states(i));
  assert.equal(h.length, 3);
});

test('/etc/services: tcp ports and names, aliases, comments', () => {
  const s = parseServices('# c\nhttp 80/tcp www # WorldWideWeb\nhttp 80/udp\npostgresql 5432/tcp postgres\ndomain 53/udp\n');
  assert.equal(s.nameOf(80), 'http');
  assert.equal(s.portOf('www'), 80);
  assert.equal(s.portOf('Postgres'), 5432);
  assert.equal(s.nameOf(53), undefined);
});

test('systeminformation rows normalise: ss names, netstat names, v6, non-TCP dropped', () => {
  const base = { localPort: '80', peerPort: '40000' };
  assert.deepEqual(recordOfSi({ ...base, protocol: 'tcp', localAddress: '10.0.0.1', peerAddress: '10.0.0.2', state: 'FIN-WAIT-1' }),
    { family: 4, state: 4, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.2', rport: 40000 });
  assert.equal(recordOfSi({ ...base, protocol: 'tcp6', localAddress: '::1', peerAddress: '::1', state: 'ESTAB' })?.family, 6);
  assert.equal(recordOfSi({ ...base, protocol: 'tcp', localAddress: '*', peerAddress: '*', state: 'LISTEN', peerPort: '*' })?.rport, 0);
  assert.equal(recordOfSi({ ...base, protocol: 'udp', localAddress: '*', peerAddress: '*', state: '' }), undefined);
  assert.equal(recordOfSi({ ...base, protocol: 'tcp', localAddress: '1.1.1.1', peerAddress: '*', state: 'WEIRD' }), undefined);
});
