/**
 * The listeners pass against the tally it runs beside, on a synthetic SocketTable shaped like the
 * bench farm at 100k sockets (27 LISTEN, 1,000 SYN_RECV, 51,000 ESTABLISHED, 40,000 TIME_WAIT, the rest
 * CLOSE_WAIT / FIN_WAIT2 / SYN_SENT). No sockets, no I/O: CPU only.
 *   node dist/bench/listeners.js [ROWS]
 * Prints the median of 5 rounds (each the mean of 20 calls) of: the tally, listListeners, and a
 * sampler's tally + listeners as the sampler calls them (with and without a filter).
 */

import { compileFilter, parseFilter } from '../src/model/filter.js';
import { listListeners } from '../src/model/listeners.js';
import { SocketTable } from '../src/model/table.js';
import { Tallier } from '../src/model/tally.js';
import { TCP } from '../src/model/states.js';

const n = Number(process.argv[2] ?? 100_000);
const t = new SocketTable(n);
let seed = 7;
/** mulberry32: a small seeded generator (the same table every run). */
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const LISTENERS = 27;
for (let i = 0; i < LISTENERS; i++) {
  const k = t.add(4, TCP.LISTEN, 8000 + i, 0, 1000 + i);
  t.laddr[k * 4 + 3] = 0x7f000001;
  t.rqueue[k] = i % 5;
  t.wqueue[k] = 4096;
}
while (t.n < n) {
  const r = rand();
  const state = r < 0.01 ? TCP.SYN_RECV : r < 0.52 ? TCP.ESTABLISHED : r < 0.92 ? TCP.TIME_WAIT : r < 0.95 ? TCP.CLOSE_WAIT : r < 0.98 ? TCP.FIN_WAIT2 : TCP.SYN_SENT;
  const inbound = state === TCP.SYN_RECV || rand() < 0.5;
  const k = t.add(4, state, inbound ? 8000 + Math.floor(rand() * LISTENERS) : 32768 + Math.floor(rand() * 28000), inbound ? 32768 + Math.floor(rand() * 28000) : 5432, t.n);
  t.laddr[k * 4 + 3] = 0x7f000001;
  t.raddr[k * 4 + 3] = 0x7f000002 + Math.floor(rand() * 60);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn: () => void): number {
  for (let i = 0; i < 5; i++) fn(); // warm up
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) fn();
    rounds.push((performance.now() - t0) / 20);
  }
  return median(rounds);
}

const tallier = new Tallier();
const filter = compileFilter(parseFilter('src 127.0.0.1'));
const tally = time(() => tallier.tally(t, { top: 200 }));
const listen = time(() => listListeners(t, { top: 200 }));
const tallyF = time(() => tallier.tally(t, { top: 200, filter }));
const listenF = time(() => listListeners(t, { top: 200, filter }));
const rows = listListeners(t).rows;
const f = (x: number) => `${x.toFixed(3)} ms`;
console.log(`${t.n} rows, ${rows.length} listeners, ${rows.reduce((a, r) => a + r.synRecv, 0)} SYN_RECV attributed`);
console.log(`tally                     ${f(tally)}`);
console.log(`listListeners             ${f(listen)}  (+${((100 * listen) / tally).toFixed(1)} % of the tally)`);
console.log(`tally, filtered           ${f(tallyF)}`);
console.log(`listListeners, filtered   ${f(listenF)}  (+${((100 * listenF) / tallyF).toFixed(1)} %)`);
