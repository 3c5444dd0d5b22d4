/**
 * A child process holding a small socket farm (run inside a network namespace by the --pid tests).
 * Prints "ready <port,...>" once the sockets are in place: 5 ESTABLISHED pairs (3 on 127.0.77.1,
 * 2 on ::1), 4 TIME_WAIT, 2 CLOSE_WAIT + 2 FIN_WAIT2, 3 listeners.
 * Then takes one command per stdin line and answers "ok" once it is done (or "error <message>"):
 *   estab N   N more ESTABLISHED pairs on 127.0.77.1
 *   tw N      N more TIME_WAIT
 *   cw N      N more CLOSE_WAIT / FIN_WAIT2 pairs
 *   reset N   reset the N newest ESTABLISHED pairs (both sides go away)
 * Exits when stdin closes or on SIGTERM, and after 120 s in any case.
 */

import { SocketFarm, V4 } from './sockets.js';
import { serveCommands } from './childCommands.js';

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

const commands: Record<string, (n: number) => Promise<void>> = {
  estab: (n) => farm.established(V4, a, n),
  tw: (n) => farm.timeWait(V4, tw, n),
  cw: (n) => farm.closeWait(V4, a, n),
  reset: (n) => farm.reset(n),
};

const bye = () => void farm.closeAll().then(() => process.exit(0));
serveCommands(commands, bye);
