/**
 * src/sources/procRemote.ts on literal sample files: the counters of snmp, netstat, sockstat and
 * sockstat6 as the remote printed them.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSampleBody } from '../../src/model/remote.js';
import { sampleCounters } from '../../src/sources/procRemote.js';

test('the counters of one proc-remote sample', () => {
  const body = [
    '', '@@tt file snmp', 'Ip: Forwarding', 'Ip: 1', 'Tcp: ActiveOpens PassiveOpens CurrEstab', 'Tcp: 11 22 3',
    '@@tt file netstat', 'TcpExt: ListenDrops TW', 'TcpExt: 4 55',
    '@@tt file sockstat', 'sockets: used 9', 'TCP: inuse 3 orphan 0 tw 2 alloc 5 mem 1',
    '@@tt missing sockstat6', '',
  ].join('\n');
  const c = sampleCounters(parseSampleBody(Buffer.from(body, 'latin1'), 1));
  assert.deepEqual(c, {
    'Tcp.ActiveOpens': 11, 'Tcp.PassiveOpens': 22, 'Tcp.CurrEstab': 3,
    'TcpExt.ListenDrops': 4, 'TcpExt.TW': 55,
    'sockstat.sockets.used': 9, 'sockstat.TCP.inuse': 3, 'sockstat.TCP.orphan': 0, 'sockstat.TCP.tw': 2, 'sockstat.TCP.alloc': 5, 'sockstat.TCP.mem': 1,
  });
});
