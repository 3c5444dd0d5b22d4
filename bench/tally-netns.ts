/**
 * What the per-namespace LISTEN set costs the tally: `node dist/bench/tally-netns.js` (after `npm run build`).
 *
 * A synthetic SocketTable (default 100k rows, no sockets, no root) in one network namespace, and the
 * same rows spread over 20 namespaces (as --all-netns reads a box of containers): in each namespace
 * 12 listeners, half the connections inbound to them, half outbound from ephemeral ports to 4 backend
 * ports; 50 % ESTABLISHED, 40 % TIME_WAIT, the rest CLOSE_WAIT / FIN_WAIT2 / SYN_SENT / SYN_RECV.
 * Times Tallier.tally (as the sampler runs it, top 200), interleaved, median of --rounds (default 5)
 * after two warm-up rounds.
 *
 *   node dist/bench/tally-netns.js [--size 100000] [--rounds 5] [--namespaces 20]
 */

import { parseArgs } from 'node:util';
import { TCP } from '../src/model/states.js';
import { SocketTable } from '../src/model/table.js';
import { Tallier } from '../src/model/tally.js';
import { median } from './stats.js';

const { values: opt } = parseArgs({
  options: { size: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' }, namespaces: { type: 'string', default: '20' } },
});
const SIZE = Number(opt.size);
const ROUNDS = Number(opt.rounds);
const NS = Number(opt.namespaces);

function farmTable(size: number, namespaces: number): SocketTable {
  const t = new SocketTable(size);
  const mix = [...Array(50).fill(TCP.ESTABLISHED), ...Array(40).fill(TCP.TIME_WAIT), TCP.CLOSE_WAIT, TCP.CLOSE_WAIT, TCP.CLOSE_WAIT,
    TCP.FIN_WAIT2, TCP.FIN_WAIT2, TCP.FIN_WAIT2, TCP.SYN_SENT, TCP.SYN_RECV, TCP.ESTABLISHED, TCP.ESTABLISHED];
  const per = Math.ceil(size / namespaces);
  let k = 0; // one sequence over all namespaces: the same peers and ports whatever the split
  for (let ns = 0; ns < namespaces; ns++) {
    const end = Math.min(size, (ns + 1) * per);
    for (let p = 0; p < 12; p++) {
      const i = t.add(4, TCP.LISTEN, 18000 + p + ns, 0, 0, ns); // neighbouring namespaces share some ports
      t.laddr[i * 4 + 3] = 0x7f000001;
    }
    for (; t.n < end; k++) {
      const st = mix[k % mix.length];
      const eph = 32768 + ((k >>> 1) % 28232);
      const i = k % 2 === 0
        ? t.add(4, st, 18000 + ns + (k % 12), eph, 0, ns) // inbound
        : t.add(4, st, eph, 5000 + ((k >>> 1) % 4), 0, ns); // outbound
      t.laddr[i * 4 + 3] = 0x7f000001;
      t.raddr[i * 4 + 3] = 0x7f000a00 + (k % 60);
    }
  }
  return t;
}

const one = farmTable(SIZE, 1);
const many = farmTable(SIZE, NS);
const tallier = new Tallier();
const time = (fn: () => void): number => { const t0 = performance.now(); fn(); return performance.now() - t0; };
const a: number[] = [];
const b: number[] = [];
let ports1 = 0, portsN = 0;
for (let r = -2; r < ROUNDS; r++) {
  const x = time(() => { ports1 = tallier.tally(one, { top: 200 }).portCount; });
  const y = time(() => { portsN = tallier.tally(many, { top: 200 }).portCount; });
  if (r >= 0) { a.push(x); b.push(y); }
}
const f = (x: number) => `${x.toFixed(2)} ms`;
console.log(`${SIZE} rows; median of ${ROUNDS}:`);
console.log(`  1 namespace    ${f(median(a))}  (${ports1} port rows)`);
console.log(`  ${String(NS).padEnd(2)} namespaces  ${f(median(b))}  (${portsN} port rows)`);
