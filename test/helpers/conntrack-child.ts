/**
 * Run inside a network namespace (ip netns exec): opens a listener and N connections on 127.0.0.1 (each a
 * conntrack entry while conntrack is on there), prints what readConntrack() reads as one JSON line, and
 * keeps the connections until stdin closes (bounded: 60 s).
 */

import net from 'node:net';
import { readConntrack } from '../../src/sources/conntrack.js';

const n = Number(process.argv[2] ?? '0');
const held: net.Socket[] = [];
const server = net.createServer((s) => { held.push(s); });
server.listen({ host: '127.0.0.1', port: 0 }, async () => {
  const port = (server.address() as net.AddressInfo).port;
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const c = net.connect({ host: '127.0.0.1', port }, () => resolve());
      c.once('error', reject);
      held.push(c);
    });
  }
  await new Promise((r) => setTimeout(r, 100));
  process.stdout.write(`${JSON.stringify(readConntrack())}\n`);
});
const end = () => { for (const s of held) s.destroy(); server.close(); process.exit(0); };
process.stdin.on('end', end);
process.stdin.resume();
setTimeout(end, 60_000).unref();
