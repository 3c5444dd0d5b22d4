/**
 * npm run bench — tcptally against the netlink floor, `ss -tan`, the seed's `netstat -tan | awk` and
 * `cat /proc/net/tcp*` at 1k, 10k and 100k real loopback sockets (300k with --300k), all in the same run,
 * interleaved round by round (the machine is noisy), then the dashboard in a real terminal: start → first
 * frame and steady CPU at 10k; key latency, steady CPU (the soak's first --cpu seconds) and RSS at the
 * end of the --soak at 100k. CPU is split by thread: UI (main), sampler (the worker), V8/libuv helpers.
 *
 *   npm run bench [-- --300k] [--rounds N] [--soak SEC] [--cpu SEC] [--no-dashboard] [--sizes 1000,10000]
 */

import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Farm, mixFor, removeRules, ssSummary } from './farm.js';
import { firstFrameMs, keyLatencies, openDashboard, openPanes, rssMb, steady, type SteadyResult } from './dashboard.js';
import { CAT_PROC, command, NETSTAT_AWK, netlinkFloor, samplerProbe, siProbe, SS, type Timing } from './measure.js';
import { fmtMs, median, percentile, table } from './stats.js';

const { values: opt } = parseArgs({
  options: {
    '300k': { type: 'boolean' },
    rounds: { type: 'string', default: '9' },
    soak: { type: 'string', default: '600' },
    cpu: { type: 'string', default: '60' },
    sizes: { type: 'string' },
    'no-dashboard': { type: 'boolean' },
  },
});
const ROUNDS = Number(opt.rounds);
const SIZES = opt.sizes ? opt.sizes.split(',').map(Number) : [1000, 10_000, 100_000, ...(opt['300k'] ? [300_000] : [])];
const HARD_LIMIT_MS = 45 * 60_000;

for (const tool of ['ss', 'netstat', 'nft', 'tmux']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench: ${tool} is missing (apt-get install iproute2 net-tools nftables tmux)`);
    process.exit(1);
  }
}

const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
const farm = new Farm();
let stopping = false;
async function cleanup(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const p of openPanes) p.kill(); // the tmux server, and with its pty the dashboard in it
    await farm.stop().catch(() => undefined);
    removeRules();
  }
  process.exit(code);
}
process.on('SIGINT', () => void cleanup(130));
process.on('SIGTERM', () => void cleanup(143));
setTimeout(() => { log('bench: time limit reached'); void cleanup(1); }, HARD_LIMIT_MS).unref();

interface Row { size: number; ss: Record<string, number>; results: Map<string, Timing[]> }
const rows: Row[] = [];
const dash: string[][] = [];

try {
  for (const size of SIZES) {
    log(`size ${size}: building the farm`);
    const mix = mixFor(size);
    await farm.build(mix, log);
    const counts = ssSummary();
    log(`size ${size}: ss sees ${JSON.stringify(counts)}`);
    const nl = await samplerProbe('netlink');
    const proc = await samplerProbe('proc');
    const auto = await samplerProbe('auto');
    const floor = netlinkFloor();
    const methods: [string, { once: () => Promise<Timing> }][] = [
      ['netlink floor (dump only)', floor],
      [`tcptally auto (${auto.name})`, auto],
      ['tcptally netlink', nl],
      ['tcptally proc', proc],
      ['ss -tan', command(SS)],
      ['netstat -tan | awk', command(NETSTAT_AWK)],
      ['cat /proc/net/tcp*', command(CAT_PROC)],
    ];
    const siRounds = size <= 10_000 ? 3 : size <= 100_000 ? 1 : 0;
    const si = siRounds ? await siProbe() : null;
    const results = new Map<string, Timing[]>(methods.map(([k]) => [k, []]));
    results.set('systeminformation', []);
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 3 === 0) await farm.topUpTimeWait(mix.timeWait, log); // TIME_WAIT lives 60 s
      for (const [k, m] of methods) results.get(k)!.push(await m.once());
      if (si && r < siRounds) results.get('systeminformation')!.push(await si.once());
    }
    nl.close(); proc.close(); auto.close(); floor.close();
    rows.push({ size, ss: ssSummary(), results });
    log(`size ${size}: done; ss after: total ${rows[rows.length - 1].ss.total}`);

    if (!opt['no-dashboard'] && size === 10_000) {
      log('dashboard at 10k: start → first full frame (5 runs)');
      const firsts: number[] = [];
      for (let i = 0; i < 5; i++) firsts.push(await firstFrameMs());
      await farm.topUpTimeWait(mix.timeWait, log);
      log(`dashboard at 10k: steady CPU and bytes over ${opt.cpu} s (120×40, 1 s interval)`);
      const pane = openDashboard('steady', 120, 40, 1);
      const st = await steady(pane, Number(opt.cpu), 5, () => farm.topUpTimeWait(mix.timeWait));
      pane.send(['q']);
      pane.kill();
      dash.push(['start → first full frame, 10k (median of 5)', `${fmtMs(median(firsts))} ms`, '≤ 400 ms']);
      dash.push(...cpuRows('10k', st, '≤ 2 %'));
      dash.push(['bytes written to a 120×40 terminal per second, 10k', `${Math.round(st.bytesPerSec)} B/s`, '≤ 4 KB']);
      await farm.topUpTimeWait(mix.timeWait, log);
    }
    if (!opt['no-dashboard'] && size === 100_000) {
      log('dashboard at 100k: key → frame latency (30 presses), steady CPU, RSS over the soak');
      const pane = openDashboard('big', 120, 40, 1);
      await pane.waitFor(/sockets \d{5,}/, 30_000);
      await sleep(5000);
      const lat = await keyLatencies(pane, 30);
      const pid = pane.pid;
      const rss0 = rssMb(pid);
      const soak = Number(opt.soak);
      const soakEnd = Date.now() + soak * 1000;
      log(`dashboard at 100k: RSS ${rss0.toFixed(1)} MB after warm-up; steady CPU over ${opt.cpu} s, then soaking to ${soak} s`);
      // the CPU window is the soak's first minute (no keys; TIME_WAIT topped up as all along)
      const st = await steady(pane, Math.min(Number(opt.cpu), soak), 0, () => farm.topUpTimeWait(mix.timeWait));
      while (Date.now() < soakEnd) {
        await farm.topUpTimeWait(mix.timeWait);
        await sleep(Math.min(5000, Math.max(0, soakEnd - Date.now())));
      }
      const rss1 = rssMb(pid);
      pane.send(['q']);
      pane.kill();
      dash.push(...cpuRows('100k', st, '≤ 15 %'));
      dash.push(['key → frame, p95 (p50), sampling 100k every 1 s', `${fmtMs(percentile(lat, 95))} ms (${fmtMs(median(lat))} ms)`, 'p95 ≤ 100 ms']);
      dash.push([`RSS at 100k after ${soak} s`, `${rss1.toFixed(1)} MB`, soak >= 600 ? '≤ 120 MB' : '≤ 120 MB (after 600 s)']);
      dash.push(['RSS at 100k after warm-up (keys pressed, before the soak)', `${rss0.toFixed(1)} MB`, '—']);
      dash.push([`RSS growth over the ${soak} s soak`, `${(rss1 - rss0).toFixed(1)} MB`, '—']);
    }
    await farm.stop();
  }
} catch (err) {
  log(`bench failed: ${(err as Error).stack ?? err}`);
  await cleanup(1);
}




report();
await cleanup(0);

/**
 * The steady-CPU rows: the whole process, then per thread. The main thread (TID = PID) is the UI (Ink,
 * React, keys); the sampler worker names its thread (SAMPLER_THREAD); the rest are V8's GC and compiler
 * helpers and libuv's pool. At a 1 s interval there is one sample and one frame per second, so ms per
 * second is ms per sample (sampler) and ms per frame (UI).
 */
function cpuRows(size: string, st: SteadyResult, target: string): string[][] {
  const ms = (x: number) => `${fmtMs(x)} ms`;
  return [
    [`steady CPU, ${size}, 1 s interval, 120×40, over ${Math.round(st.seconds)} s`, `${st.cpuPercent.toFixed(2)} % of one core`, target],
    [`of which the UI thread (Ink, React), ms/s = ms per frame, ${size}`, ms(st.uiMsPerSec), '—'],
    st.samplerFound
      ? [`of which the sampler thread, ms/s = ms per sample, ${size}`, ms(st.samplerMsPerSec), '—']
      : [`of which the sampler thread: not found by its name (in the next row), ${size}`, '—', '—'],
    [`of which V8's GC/compiler helpers and libuv, ms/s, ${size}`, ms(st.helpersMsPerSec), '—'],
  ];
}

function report(): void {
  const med = (r: Row, k: string) => median((r.results.get(k) ?? []).map((t) => t.wallMs));
  const cpu = (r: Row, k: string) => median((r.results.get(k) ?? []).map((t) => t.cpuMs ?? NaN));
  const keys = [...rows[0].results.keys()];
  const autoKey = keys.find((k) => k.startsWith('tcptally auto'))!;
  console.log(`\n## Sample cost: median wall ms over ${ROUNDS} interleaved rounds (CPU ms in parentheses)\n`);
  console.log(table(
    ['method', ...rows.map((r) => `${r.size / 1000}k (ss: ${r.ss.total})`)],
    keys.map((k) => [k, ...rows.map((r) => {
      const w = med(r, k), c = cpu(r, k);
      return Number.isNaN(w) ? '—' : Number.isNaN(c) ? fmtMs(w) : `${fmtMs(w)} (${fmtMs(c)})`;
    })]),
  ));
  console.log('\n## Ratios (same run)\n');
  const ratio = (r: Row, a: string, b: string) => (med(r, a) / med(r, b)).toFixed(2);
  console.log(table(
    ['ratio', ...rows.map((r) => `${r.size / 1000}k`), 'target'],
    [
      [`${autoKey} ÷ ss -tan`, ...rows.map((r) => ratio(r, autoKey, 'ss -tan')), '≤ 0.75 at 100k'],
      [`${autoKey} ÷ netstat | awk`, ...rows.map((r) => ratio(r, autoKey, 'netstat -tan | awk')), '≤ 0.40 at 100k'],
      ['tcptally proc ÷ cat /proc/net/tcp*', ...rows.map((r) => ratio(r, 'tcptally proc', 'cat /proc/net/tcp*')), '≤ 1.5 at 100k'],
      [`${autoKey} ÷ netlink floor`, ...rows.map((r) => ratio(r, autoKey, 'netlink floor (dump only)')), '—'],
    ],
  ));
  if (dash.length) {
    console.log('\n## The dashboard in a real terminal (tmux)\n');
    console.log(table(['measure', 'result', 'target'], dash));
  }
  console.log(`\nsocket counts ss saw per size: ${rows.map((r) => `${r.size}: ${JSON.stringify(r.ss)}`).join('; ')}`);
}
