/**
 * A child run inside a network namespace by the --all-netns LISTEN-set test (NetnsFarm's script):
 *   node netns-port-child.js listen PORT            listens on 127.0.0.1:PORT
 *   node netns-port-child.js client PORT LOCALPORT  listens on 127.0.0.1:PORT and connects to it from
 *                                                   local port LOCALPORT (bound explicitly)
 * Prints "ready" once the sockets are in place (the connection accepted), then answers "ok" to any
 * line on stdin. Exits when stdin closes or on SIGTERM, and after 120 s in any case.
 */

import net from 'node:net';
import { createInterface } from 'node:readline';

const [mode, port, localPort] = process.argv.slice(2);
const keep: net.Socket[] = [];
const server = net.createServer((s) => { keep.push(s); accepted(); });
let acceptedYet = false;
let connectedYet = mode !== 'client';
const accepted = () => { acceptedYet = true; maybeReady(); };
function maybeReady(): void {
  if ((mode === 'listen' || acceptedYet) && connectedYet) process.stdout.write('ready\n');
}
const fail = (err: Error) => {
  process.stdout.write(`error ${(err as NodeJS.ErrnoException).code ?? err.message}\n`);
  process.exit(1);
};
server.once('error', fail);
server.listen({ host: '127.0.0.1', port: Number(port) }, () => {
  if (mode === 'listen') return maybeReady();
  const c = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.1', localPort: Number(localPort) }, () => {
    connectedYet = true;
    maybeReady();
  });
  c.once('error', fail);
  keep.push(c);
});

const lines = createInterface({ input: process.stdin });
lines.on('line', () => process.stdout.write('ok\n'));
lines.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), 120_000).unref();
