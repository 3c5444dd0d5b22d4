/**
 * A child for the headroom test, run inside a network namespace of the test's own: a listener on
 * 127.0.0.1:19800 and, on command, client connections to it from the namespace's ephemeral ports.
 * Prints "ready" once listening; then one command per stdin line, answered "ok" when done (or
 * "error <message>"):
 *   open N   N more client connections (ESTABLISHED), each waited for
 *   tw N     the N oldest open clients close first: the server answers with its own FIN, so the
 *            client's side ends in TIME_WAIT (each waited for, 10 s at most)
 * Exits when stdin closes or on SIGTERM, and after 120 s in any case.
 */

import { connect, createServer, type Socket } from 'node:net';
import { serveCommands } from './childCommands.js';

export const HEADROOM_PORT = 19800;

const accepted = new Set<Socket>();
const server = createServer((s) => {
  accepted.add(s);
  s.on('end', () => s.end()); // the client closed first: close our side too (the client goes to TIME_WAIT)
  s.on('error', () => {});
  s.on('close', () => accepted.delete(s));
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(HEADROOM_PORT, '127.0.0.1', () => resolve());
});
process.stdout.write('ready\n');

const open: Socket[] = [];

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: Error) => { clearTimeout(timer); reject(e); });
  });
}

async function openClients(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = connect({ host: '127.0.0.1', port: HEADROOM_PORT });
    c.on('error', () => {});
    await within(5000, 'connect', new Promise<void>((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); }));
    open.push(c);
  }
}

async function closeFirst(n: number): Promise<void> {
  const some = open.splice(0, n);
  await within(10_000, 'close', Promise.all(some.map((c) => new Promise<void>((resolve) => { c.once('close', () => resolve()); c.end(); }))));
}

const commands: Record<string, (n: number) => Promise<void>> = { open: openClients, tw: closeFirst };

const bye = () => {
  for (const c of open) c.destroy();
  for (const s of accepted) s.destroy();
  server.close();
  process.exit(0);
};
serveCommands(commands, bye, 1000);
