/**
 * The dashboard as a process in a real terminal (a tmux pane): start → first full frame, steady CPU,
 * bytes written to the terminal per second, RSS and its growth, key → frame latency.
 */

import { readFileSync } from 'node:fs';
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

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Every pane opened, so that an exit on any path (a failed measurement too) can end them. */
export const openPanes: TmuxPane[] = [];

export function openDashboard(name: string, columns: number, rows: number, intervalSec = 1): TmuxPane {
  const pane = new TmuxPane(name);
  openPanes.push(pane);
  pane.start([process.execPath, CLI, '--interval', String(intervalSec)], columns, rows);
  return pane;
}

/** A full frame: data in the header and the status line drawn (only changed lines are written, so in any order). */
const fullFrame = (out: string) => /sockets \d+/.test(out) && /\? help/.test(out);

/** ms from the program's start to the first frame with data and the status line (a full frame). */
export async function firstFrameMs(columns = 120, rows = 40): Promise<number> {
  const pane = openDashboard('first', columns, rows);
  try {
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
  } finally {
    pane.send(['q']);
    await sleep(300);
    pane.kill();
  }
}

export interface SteadyResult {
  cpuPercent: number;
  bytesPerSec: number;
  seconds: number;
}

/** Steady CPU (% of one core) and terminal bytes per second over `seconds`, after a warm-up. */
export async function steady(pane: TmuxPane, seconds: number, warmupSec = 5): Promise<SteadyResult> {
  await pane.waitFor(/sockets \d+/, 20_000);
  await sleep(warmupSec * 1000);
  const pid = pane.pid;
  const t0 = cpuTicks(pid), b0 = pane.output().length, w0 = Date.now();
  await sleep(seconds * 1000);
  const t1 = cpuTicks(pid), b1 = pane.output().length, w1 = Date.now();
  const wall = (w1 - w0) / 1000;
  return { cpuPercent: ((t1 - t0) / CLK_TCK / wall) * 100, bytesPerSec: (b1 - b0) / wall, seconds: wall };
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
