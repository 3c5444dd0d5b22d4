import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterRates, parseSnmpPairs, parseSockstat } from '../../src/model/counters.js';

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
