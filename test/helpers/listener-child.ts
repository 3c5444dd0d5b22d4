/**
 * Listeners that never accept, for the listeners test: listens on HOST:PORT with BACKLOG for each
 * PORT:BACKLOG given, prints "ready" on stdout, then blocks its event loop (Atomics.wait) so nothing is
 * ever accepted and the kernel's accept queues fill. Bounded: it exits on its own after SECONDS; the
 * test ends it by pid before that (SIGKILL: a blocked loop runs no handler).
 *   node listener-child.js HOST SECONDS PORT:BACKLOG...
 */

import net from 'node:net';

const [host, seconds, ...specs] = process.argv.slice(2);
let left = specs.length;
for (const spec of specs) {
  const [port, backlog] = spec.split(':').map(Number);
  const server = net.createServer();
  server.once('error', (err) => {
    process.stdout.write(`error ${spec} ${(err as NodeJS.ErrnoException).code ?? err.message}\n`);
    process.exit(1);
  });
  server.listen({ host, port, backlog }, () => {
    if (--left > 0) return;
    // a pipe is written synchronously on Linux: the line is out before the loop blocks
    process.stdout.write('ready\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(seconds) * 1000);
    process.exit(0);
  });
}
