/** The netlink source's own lifecycle (counts against ss are in test/kernel): closing it mid-dump. */

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { formatAddress } from '../../src/model/address.js';
import { SocketTable } from '../../src/model/table.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { SourceError } from '../../src/sources/types.js';

test('close() during a read ends the read at once with "netlink source is closed"', async () => {
  const src = new NetlinkSource(); // NETLINK_SOCK_DIAG needs no privilege
  const read = src.read(new SocketTable(64)); // the request is sent; its reply waits for the event loop
  src.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('still pending after 2 s'), 2000)));
  const outcome = await Promise.race([read.then(() => 'resolved', (e: unknown) => e), late]);
  clearTimeout(timer);
  assert.ok(outcome instanceof SourceError, String(outcome));
  assert.equal(outcome.message, 'netlink source is closed');
  await assert.rejects(src.read(new SocketTable(64)), /netlink source is closed/, 'and reads after close() fail too');
});

test('a read that is not interrupted completes and finds a listener of this test', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.83.2', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const src = new NetlinkSource();
  try {
    const t = new SocketTable(64);
    const stats = await src.read(t);
    assert.equal(stats.rows, t.n);
    const found = Array.from({ length: t.n }, (_, i) => i).filter(
      (i) => t.lport[i] === port && t.state[i] === 10 && formatAddress(t.family[i], t.laddr, i * 4) === '127.0.83.2',
    );
    assert.equal(found.length, 1, 'the LISTEN socket on 127.0.83.2');
  } finally {
    src.close();
    server.close();
  }
});
