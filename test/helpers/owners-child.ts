/**
 * A server for the owners test, run with fork() (IPC). Listens on the tests' owners address with a
 * listener that keeps what it accepts (never closing: clients that end() leave CLOSE_WAIT here) and a
 * listener that closes (clients get TIME_WAIT), then forks itself as a worker and hands it the keeping
 * listener (child_process send(handle)): that LISTEN socket has two owners, and accepted sockets land
 * in either process. Sends {ready, keep, closing, worker} when both listen; exits when the parent
 * goes away, on SIGTERM, or after 120 s.
 */

import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const HOST = process.argv[2] ?? '127.0.80.1';
const held: net.Socket[] = [];
const keepAccepted = (s: net.Socket) => { s.on('error', () => {}); held.push(s); };
const bye = () => process.exit(0);
process.on('SIGTERM', bye);
process.on('disconnect', bye);
setTimeout(bye, 120_000).unref();

if (process.argv[3] === 'worker') {
  process.on('message', (m, handle) => {
    if (m !== 'server' || !handle) return;
    const server = handle as net.Server;
    (server as net.Server & { allowHalfOpen: boolean }).allowHalfOpen = true; // a handed-over server has the defaults
    server.on('connection', keepAccepted);
    process.send!({ ready: true });
  });
} else {
  const listen = (allowHalfOpen: boolean) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen }, allowHalfOpen ? keepAccepted : (s) => { s.on('error', () => {}); s.resume(); });
      server.once('error', reject);
      server.listen({ host: HOST, port: 0, backlog: 128 }, () => resolve(server));
    });
  const keep = await listen(true);
  const closing = await listen(false);
  const worker = fork(fileURLToPath(import.meta.url), [HOST, 'worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exitWorker = () => { try { process.kill(worker.pid!, 'SIGTERM'); } catch { /* gone */ } };
  process.on('exit', exitWorker);
  await new Promise<void>((resolve) => {
    worker.on('message', (m: { ready?: boolean }) => { if (m.ready) resolve(); });
    worker.send('server', keep);
  });
  process.send!({
    ready: true,
    keep: (keep.address() as net.AddressInfo).port,
    closing: (closing.address() as net.AddressInfo).port,
    worker: worker.pid,
  });
}
