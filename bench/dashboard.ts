/**
 * The dashboard as a process in a real terminal (a tmux pane): start → first full frame, steady CPU
 * (split by thread), bytes written to the terminal per second, RSS and its growth, key → frame latency.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TmuxPane } from '../test/helpers/tmux.js';
import { SORT_COLUMNS } from '../src/ui/viewState.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const CLK_TCK = 100;

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

/** The process's resident memory, and its anonymous and file-backed parts, in MB (/proc/PID/status). */
export function memMb(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => {
    const m = new RegExp(`${k}:\\s+(\\d+) kB`).exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

export function rssMb(pid: number): number {
  return memMb(pid).rss;
}

/**
 * The name the dashboard's sampler worker gives its own thread (src/sampler/worker.ts writes it to
 * /proc/thread-self/comm; the kernel keeps 15 characters). Every other thread but the main one is
 * Node's or V8's: the V8 platform's GC and compiler workers, libuv's pool, the inspector's.
 */
export const SAMPLER_THREAD = 'tcptally-sample';

/** ns on a CPU per thread (/proc/PID/task/TID/schedstat, first field), with each thread's name. */
function threadRuntimes(pid: number): Map<number, { comm: string; ns: number }> {
  const out = new Map<number, { comm: string; ns: number }>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      out.set(Number(t), { comm, ns });
    } catch { /* the thread ended between the listing and the read */ }
  }
  return out;
}

/** Every pane opened, so that an exit on any path (a failed measurement too) can end them. */
export const openPanes: TmuxPane[] = [];

/** Node flags and environment for experiments (bench/mem.ts); the bench itself runs the CLI as a user does. */
export interface LaunchOptions {
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Another build's dist/src/cli.js (an earlier commit's, to compare against). */
  cli?: string;
}

export function openDashboard(name: string, columns: number, rows: number, intervalSec = 1, launch: LaunchOptions = {}): TmuxPane {
  const pane = new TmuxPane(name);
  openPanes.push(pane);
  pane.start([process.execPath, ...(launch.nodeArgs ?? []), launch.cli ?? CLI, '--interval', String(intervalSec)], columns, rows, launch.env);
  return pane;
}

/** A full frame: data in the header and the status line drawn (only changed lines are written, so in any order). */
const fullFrame = (out: string) => /sockets \d+/.test(out) && /\? help/.test(out);

/** ms from the program's start to its first full frame in `pane` (polled every 2 ms, at most 20 s). */
export async function untilFirstFrame(pane: TmuxPane): Promise<number> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    if (fullFrame(pane.output())) {
      const seen = Date.now();
      const startNs = Number(readFileSync(pane.startFile, 'utf8').trim());
      return seen - startNs / 1e6;
    }
    await sleep(2);
  }
  throw new Error('no full frame in 20 s');
}

/** ms from the program's start to the first frame with data and the status line (a full frame). */
export async function firstFrameMs(columns = 120, rows = 40): Promise<number> {
  const pane = openDashboard('first', columns, rows);
  try {
    return await untilFirstFrame(pane);
  } finally {
    pane.send(['q']);
    await sleep(300);
    pane.kill();
  }
}

export interface SteadyResult {
  /** The whole process (utime + stime of all its threads, ended ones too), % of one core. */
  cpuPercent: number;
  /** CPU ms per wall second: the main thread (Ink, React, keys: the UI) ... */
  uiMsPerSec: number;
  /** ... the sampler worker's own thread (netlink dump in the kernel, decode, tally, snapshot) ... */
  samplerMsPerSec: number;
  /** ... and every other thread (V8's GC and compiler helpers, libuv's pool). */
  helpersMsPerSec: number;
  /** Whether the sampler's thread was found by its name (else it is counted with the helpers). */
  samplerFound: boolean;
  bytesPerSec: number;
  seconds: number;
}

/**
 * Steady CPU (% of one core, and per thread) and terminal bytes per second over `seconds`, after a
 * warm-up; `every` (e.g. topping TIME_WAIT up: they all expire at once, 60 s after they were made) runs
 * every 5 s meanwhile.
 */
export async function steady(pane: TmuxPane, seconds: number, warmupSec = 5, every?: () => Promise<void>): Promise<SteadyResult> {
  await pane.waitFor(/sockets \d+/, 20_000);
  await sleep(warmupSec * 1000);
  const pid = pane.pid;
  const t0 = cpuTicks(pid), r0 = threadRuntimes(pid), b0 = pane.output().length, w0 = Date.now();
  const end = w0 + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(every ? 5000 : 20_000, Math.max(0, end - Date.now())));
    if (every && Date.now() < end - 1000) await every();
  }
  const t1 = cpuTicks(pid), r1 = threadRuntimes(pid), b1 = pane.output().length, w1 = Date.now();
  const wall = (w1 - w0) / 1000;
  let ui = 0, sampler = 0, helpers = 0, samplerFound = false;
  for (const [tid, b] of r1) {
    const ms = (b.ns - (r0.get(tid)?.ns ?? 0)) / 1e6; // a thread born meanwhile counts from zero
    if (tid === pid) ui += ms;
    else if (b.comm === SAMPLER_THREAD) { sampler += ms; samplerFound = true; }
    else helpers += ms;
  }
  return {
    cpuPercent: ((t1 - t0) / CLK_TCK / wall) * 100,
    uiMsPerSec: ui / wall,
    samplerMsPerSec: sampler / wall,
    helpersMsPerSec: helpers / wall,
    samplerFound,
    bytesPerSec: (b1 - b0) / wall,
    seconds: wall,
  };
}

/** Key press → the frame showing its effect: `s` moves the sort marker; n presses at random spacing. */
export async function keyLatencies(pane: TmuxPane, n: number): Promise<number[]> {
  await pane.waitFor(/▼TOTAL/, 20_000);
  let col = SORT_COLUMNS.findIndex((c) => c.key === 'total');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(300 + Math.random() * 500); // not in step with the sampling
    col = (col + 1) % SORT_COLUMNS.length;
    const marker = SORT_COLUMNS[col].key === 'key' ? 'DIR▼' : `▼${SORT_COLUMNS[col].header}`;
    const from = pane.output().length;
    const t0 = performance.now();
    pane.send(['s']);
    const end = Date.now() + 10_000;
    for (;;) {
      if (pane.output().slice(from).includes(marker)) break;
      if (Date.now() > end) throw new Error(`no frame with ${marker} within 10 s`);
      await sleep(1);
    }
    out.push(performance.now() - t0);
  }
  return out;
}
