/**
 * A child process holding a small socket farm (run inside a network namespace by the --pid test).
 * Prints "ready <port,...>" once the sockets are in place; exits when stdin closes or on SIGTERM.
 */

import { SocketFarm, V4 } from './sockets.js';

const farm = new SocketFarm();
const a = await farm.listen(V4);
const b = await farm.listen('::1');
const tw = await farm.closingListener(V4);
await farm.established(V4, a, 3);
await farm.established('::1', b, 2);
await farm.timeWait(V4, tw, 4);
await farm.closeWait(V4, a, 2);
await new Promise((r) => setTimeout(r, 200));
process.stdout.write(`ready ${[...farm.ports].join(',')}\n`);
const bye = () => void farm.closeAll().then(() => process.exit(0));
process.stdin.on('end', bye);
process.stdin.resume();
process.on('SIGTERM', bye);
setTimeout(bye, 120_000).unref(); // bounded even if the parent forgets us
