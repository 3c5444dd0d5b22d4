/**
 * One process of the socket farm (each process may hold at most ~20,000 fds here). Commands arrive over
 * IPC; every reply carries the request id. Bounded: it exits when the parent goes away or after maxLife.
 */

import net from 'node:net';

type Cmd =
  | { id: number; op: 'listen'; host: string; mode: 'keep' | 'close' }
  | { id: number; op: 'estab' | 'tw' | 'cw' | 'pending'; hosts: string[]; port: number; n: number }
  | { id: number; op: 'stats' }
  | { id: number; op: 'exit' };

const servers: net.Server[] = [];
const held: net.Socket[] = [];
const CONCURRENCY = 64;
let rr = 0;

function send(msg: object): void {
  process.send?.(msg);
}

function listen(host: string, mode: 'keep' | 'close'): Promise<number> {
  const server = net.createServer({ allowHalfOpen: mode === 'keep' }, (s) => {
    s.on('error', () => {});
    if (mode === 'keep') held.push(s);
    else s.resume();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, backlog: 4096 }, () => {
      servers.push(server);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * One connection to hosts[round robin]:port. Spreading the destinations over many 127.0.0.x gives each
 * (destination, port) its own ~28k ephemeral ports and the farm many peers. (Binding clients to a local
 * address instead makes bind() scan the port range against every socket bound there: minutes at 100k.)
 */
function connectOne(hosts: string[], port: number, op: string): Promise<void> {
  return new Promise((resolve) => {
    const host = hosts[rr++ % hosts.length];
    const s = net.connect({ host, port, allowHalfOpen: true });
    let done = false;
    const finish = () => { if (!done) { done = true; resolve(); } };
    s.on('error', () => { s.destroy(); finish(); });
    if (op === 'pending') {
      held.push(s); // SYN_SENT (a DROP rule eats the SYN) or, against an ACK-dropping listener, SYN_RECV there
      setTimeout(finish, 1);
      return;
    }
    s.once('connect', () => {
      if (op === 'estab') { held.push(s); finish(); }
      else if (op === 'cw') { held.push(s); s.end(); finish(); } // we FIN_WAIT2, the keeping server CLOSE_WAIT
      else { s.once('close', finish); s.end(); s.resume(); } // tw: we close first, the server answers
    });
  });
}

async function many(cmd: Extract<Cmd, { n: number }>): Promise<number> {
  let made = 0;
  for (let i = 0; i < cmd.n; i += CONCURRENCY) {
    const k = Math.min(CONCURRENCY, cmd.n - i);
    await Promise.all(Array.from({ length: k }, () => connectOne(cmd.hosts, cmd.port, cmd.op)));
    made += k;
  }
  return made;
}

process.on('message', async (cmd: Cmd) => {
  try {
    if (cmd.op === 'listen') send({ id: cmd.id, port: await listen(cmd.host, cmd.mode) });
    else if (cmd.op === 'stats') send({ id: cmd.id, fds: held.length + servers.length });
    else if (cmd.op === 'exit') {
      for (const s of held) s.resetAndDestroy(); // RST: no TIME_WAIT left behind for the next size
      for (const s of servers) s.close();
      send({ id: cmd.id });
      setTimeout(() => process.exit(0), 50);
    } else send({ id: cmd.id, made: await many(cmd) });
  } catch (err) {
    send({ id: cmd.id, error: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
const maxLife = Number(process.env.FARM_MAX_LIFE_MS ?? 30 * 60_000);
setTimeout(() => process.exit(0), maxLife).unref();
send({ ready: true });
