/**
 * What the per-namespace LISTEN set costs the tally: `node dist/bench/tally-netns.js` (after `npm run build`).
 *
 * A synthetic SocketTable (default 100k rows, no sockets, no root) in one network namespace, and the
 * same rows spread over 20 namespaces (as --all-netns reads a box of containers): in each namespace
 * 12 listeners, half the connections inbound to them, half outbound from ephemeral ports to 4 backend
 * ports; 50 % ESTABLISHED, 40 % TIME_WAIT, the rest CLOSE_WAIT / FIN_WAIT2 / SYN_SENT / SYN_RECV.
 * The same again with few peers (remote ports from 100, not from the ephemeral range): there the peer
 * counters cost little and the per-socket walk (where the LISTEN set is looked up) shows.
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

function farmTable(size: number, namespaces: number, fewPeers = false): SocketTable {
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
        ? t.add(4, st, 18000 + ns + (k % 12), fewPeers ? 40000 + ((k >>> 1) % 100) : eph, 0, ns) // inbound
        : t.add(4, st, eph, 5000 + ((k >>> 1) % 4), 0, ns); // outbound
      t.laddr[i * 4 + 3] = 0x7f000001;
      t.raddr[i * 4 + 3] = 0x7f000a00 + (k % 60);
    }
  }
  return t;
}

const tables: [string, SocketTable][] = [
  ['1 namespace', farmTable(SIZE, 1)],
  [`${NS} namespaces`, farmTable(SIZE, NS)],
  ['1 namespace, few peers', farmTable(SIZE, 1, true)],
  [`${NS} namespaces, few peers`, farmTable(SIZE, NS, true)],
];
const tallier = new Tallier();
const time = (fn: () => void): number => { const t0 = performance.now(); fn(); return performance.now() - t0; };
const times = tables.map((): number[] => []);
const ports = tables.map(() => 0);
for (let r = -2; r < ROUNDS; r++) {
  tables.forEach(([, t], k) => {
    const x = time(() => { ports[k] = tallier.tally(t, { top: 200 }).portCount; });
    if (r >= 0) times[k].push(x);
  });
}
console.log(`${SIZE} rows; median of ${ROUNDS}:`);
tables.forEach(([name], k) => console.log(`  ${name.padEnd(28)} ${median(times[k]).toFixed(2).padStart(7)} ms  (${ports[k]} port rows)`));
