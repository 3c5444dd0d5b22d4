import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordOfSi } from '../../src/model/records.js';

test('systeminformation rows normalise: ss names, netstat names, v6, non-TCP dropped', () => {
  const base = { localPort: '80', peerPort: '40000' };
  assert.deepEqual(recordOfSi({ ...base, protocol: 'tcp', localAddress: '10.0.0.1', peerAddress: '10.0.0.2', state: 'FIN-WAIT-1' }),
    { family: 4, state: 4, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.2', rport: 40000 });
  assert.equal(recordOfSi({ ...base, protocol: 'tcp6', localAddress: '::1', peerAddress: '::1', state: 'ESTAB' })?.family, 6);
  assert.equal(recordOfSi({ ...base, protocol: 'tcp', localAddress: '*', peerAddress: '*', state: 'LISTEN', peerPort: '*' })?.rport, 0);
  assert.equal(recordOfSi({ ...base, protocol: 'udp', localAddress: '*', peerAddress: '*', state: '' }), undefined);
  assert.equal(recordOfSi({ ...base, protocol: 'tcp', localAddress: '1.1.1.1', peerAddress: '*', state: 'WEIRD' }), undefined);
});

test('systeminformation has no queues: a LISTEN row\'s accept queue and backlog are unknown in the table', async () => {
  const { addRecord } = await import('../../src/model/records.js');
  const { SocketTable, QUEUE_UNKNOWN } = await import('../../src/model/table.js');
  const t = new SocketTable(2);
  for (const state of ['LISTEN', 'ESTAB']) addRecord(t, recordOfSi({ protocol: 'tcp', localAddress: '10.0.0.1', localPort: '80', peerAddress: '*', peerPort: '*', state })!);
  assert.deepEqual([t.rqueue[0], t.wqueue[0], t.rqueue[1], t.wqueue[1]], [QUEUE_UNKNOWN, QUEUE_UNKNOWN, 0, 0]);
});
