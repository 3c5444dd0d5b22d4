/**
 * What reading every network namespace costs (not a test; root, iproute2): N namespaces of our own
 * (tcptally-ns-bench-PID-K), each with a farm process holding a few hundred loopback sockets, then,
 * interleaved round by round: the host alone (netlink), the listing alone, and the all-namespaces
 * source (host by netlink + every namespace through /proc/READER/net). Every namespace is deleted and
 * every farm process ended by its pid at the end (and the farm processes end themselves after 120 s).
 *
 *   npm run build && node dist/bench/netns-cost.js [namespaces=20] [pairs=140] [rounds=15]
 */

import { SocketTable } from '../src/model/table.js';
import { AllNetnsSource } from '../src/sources/allnetns.js';
import { NetlinkSource } from '../src/sources/netlink.js';
import { listNamespaces } from '../src/sources/netns.js';
import { NetnsFarm } from '../test/helpers/netns.js';

const [nsCount = 20, pairs = 140, rounds = 15] = process.argv.slice(2).map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown> | unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const farms: NetnsFarm[] = [];
try {
  for (let k = 0; k < nsCount; k++) {
    const f = new NetnsFarm(`tcptally-ns-bench-${process.pid}-${k}`);
    farms.push(f);
    await f.start();
    await f.command(`estab ${pairs}`);
  }
  const host = new NetlinkSource();
  const all = new AllNetnsSource({ own: new NetlinkSource() });
  const t1 = new SocketTable(4096);
  const t2 = new SocketTable(4096);
  await host.read(t1);
  await all.read(t2); // warm-up
  const res: Record<string, { wall: number[]; cpu: number[] }> = { host: { wall: [], cpu: [] }, list: { wall: [], cpu: [] }, all: { wall: [], cpu: [] } };
  const push = (k: string, t: { wall: number; cpu: number }) => { res[k].wall.push(t.wall); res[k].cpu.push(t.cpu); };
  for (let r = 0; r < rounds; r++) {
    push('host', await time(() => host.read(t1)));
    push('list', await time(() => listNamespaces()));
    push('all', await time(() => all.read(t2)));
  }
  const foreign = all.namespaces.filter((e) => !e.own);
  console.log(`host rows ${t1.n}; all rows ${t2.n}: ${foreign.length} foreign namespaces with ${foreign.reduce((s, e) => s + e.rows, 0)} rows; processes listed ${all.namespaces.reduce((s, e) => s + e.pids.length, 0)}`);
  for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(5)} median wall ${median(v.wall).toFixed(2)} ms, cpu ${median(v.cpu).toFixed(2)} ms`);
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MB`);
  host.close();
  all.close();
} finally {
  for (const f of farms) await f.stop();
}
