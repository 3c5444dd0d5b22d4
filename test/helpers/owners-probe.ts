/**
 * Run as another user by the owners test (setpriv): reads the sockets of one address over netlink,
 * on the test's ports, holds a listener and one connection of its own there, and prints what OwnerIndex says of each socket,
 * as JSON on stdout: {pid, rows: [{key, inode, owners}], stats}.
 */

import net from 'node:net';
import { ssName, socketKey } from './owners-ss.js';
import { SocketTable } from '../../src/model/table.js';
import { NetlinkSource } from '../../src/sources/netlink.js';
import { OwnerIndex } from '../../src/sources/owners.js';

const HOST = process.argv[2] ?? '127.0.80.1';
/** Ports of the test's sockets (the probe adds its own listener's). */
const ports = new Set((process.argv[3] ?? '').split(',').filter(Boolean).map(Number));
const word = HOST.split('.').reduce((w, b) => ((w << 8) | Number(b)) >>> 0, 0);

const server = net.createServer((s) => { s.on('error', () => {}); });
await new Promise<void>((r) => server.listen({ host: HOST, port: 0 }, () => r()));
ports.add((server.address() as net.AddressInfo).port);
const client = net.connect({ host: HOST, port: (server.address() as net.AddressInfo).port });
await new Promise<void>((r) => client.once('connect', () => r()));

const src = new NetlinkSource();
const all = new SocketTable(1024);
await src.read(all);
src.close();
const ours = new SocketTable(64);
for (let i = 0; i < all.n; i++) {
  const a = i * 4;
  const l = all.family[i] === 4 && all.laddr[a + 3] === word;
  const r = all.family[i] === 4 && all.raddr[a + 3] === word;
  if ((!l && !r) || (!ports.has(all.lport[i]) && !ports.has(all.rport[i]))) continue;
  const j = ours.add(all.family[i], all.state[i], all.lport[i], all.rport[i], all.inode[i]);
  ours.laddr.set(all.laddr.subarray(a, a + 4), j * 4);
  ours.raddr.set(all.raddr.subarray(a, a + 4), j * 4);
}
const idx = new OwnerIndex();
const stats = idx.update(ours, Infinity);
const rows = [];
for (let i = 0; i < ours.n; i++) rows.push({ key: socketKey(ssName(ours.state[i]), ours, i), inode: ours.inode[i], owners: idx.owners(ours.inode[i]) });
process.stdout.write(JSON.stringify({ pid: process.pid, uid: process.getuid!(), rows, stats }) + '\n');
client.destroy();
server.close();
