/**
 * What the ephemeral-port headroom costs a sample: `node dist/bench/headroom.js` (after `npm run build`).
 *
 * A synthetic 100k-row SocketTable shaped like the bench farm (no sockets, no root): 50 % ESTABLISHED,
 * 40 % TIME_WAIT, CLOSE_WAIT / FIN_WAIT2 / SYN_SENT / SYN_RECV; half the connections are inbound to 12
 * listeners, half outbound from ephemeral ports to 60 backend addresses × 4 ports (so every outbound
 * socket goes through the headroom counter). Times, interleaved, median of --rounds (default 5) after
 * a warm-up: the tally alone (Tallier.tally, as the sampler runs it) and the tally plus
 * HeadroomCounter.count (what a sample with headroom does).
 *
 *   node dist/bench/headroom.js [--size 100000] [--rounds 5]
 */

import { parseArgs } from 'node:util';
import { HeadroomCounter } from '../src/model/headroom.js';
import { TCP } from '../src/model/states.js';
import { SocketTable } from '../src/model/table.js';
import { Tallier } from '../src/model/tally.js';
import { median } from './stats.js';

const { values: opt } = parseArgs({ options: { size: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } } });
const SIZE = Number(opt.size);
const ROUNDS = Number(opt.rounds);

function farmTable(size: number): SocketTable {
  const t = new SocketTable(size);
  const mix = [...Array(50).fill(TCP.ESTABLISHED), ...Array(40).fill(TCP.TIME_WAIT), TCP.CLOSE_WAIT, TCP.CLOSE_WAIT, TCP.CLOSE_WAIT,
    TCP.FIN_WAIT2, TCP.FIN_WAIT2, TCP.FIN_WAIT2, TCP.SYN_SENT, TCP.SYN_RECV, TCP.ESTABLISHED, TCP.ESTABLISHED];
  for (let p = 0; p < 12; p++) {
    const i = t.add(4, TCP.LISTEN, 18000 + p, 0);
    t.laddr[i * 4 + 3] = 0x7f000001;
  }
  for (let k = 0; t.n < size; k++) {
    const st = mix[k % mix.length];
    const eph = 32768 + ((k >>> 1) % 28232);
    const host = 0x7f000a00 + (k % 60); // 127.0.10.x
    if (k % 2 === 0) { // inbound: local is the listener's port
      const i = t.add(4, st, 18000 + (k % 12), eph);
      t.laddr[i * 4 + 3] = 0x7f000001;
      t.raddr[i * 4 + 3] = host;
    } else { // outbound: an ephemeral local port to one of 60 × 4 backends
      const j = k >>> 1;
      const i = t.add(4, st, eph, 5000 + (Math.floor(j / 60) % 4));
      t.laddr[i * 4 + 3] = 0x7f000001;
      t.raddr[i * 4 + 3] = 0x7f000a00 + (j % 60);
    }
  }
  return t;
}

const table = farmTable(SIZE);
const tallier = new Tallier();
const counter = new HeadroomCounter();
const settings = { range: [32768, 60999] as [number, number], reserved: [], twReuse: 2, finTimeout: 60 };
const time = (fn: () => void): number => { const t0 = performance.now(); fn(); return performance.now() - t0; };
const without: number[] = [];
const withH: number[] = [];
const alone: number[] = [];
let rows = 0;
for (let r = -2; r < ROUNDS; r++) { // two warm-up rounds
  const a = time(() => tallier.tally(table, { top: 200 }));
  const b = time(() => { tallier.tally(table, { top: 200 }); rows = counter.count(table, settings, 200).count; });
  const c = time(() => counter.count(table, settings, 200));
  if (r >= 0) { without.push(a); withH.push(b); alone.push(c); }
}
const f = (x: number) => `${x.toFixed(2)} ms`;
console.log(`${SIZE} rows, ${rows} destinations; median of ${ROUNDS}:`);
console.log(`  tally alone             ${f(median(without))}`);
console.log(`  tally + headroom        ${f(median(withH))}`);
console.log(`  headroom alone          ${f(median(alone))}`);
