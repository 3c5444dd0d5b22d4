/**
 * What a dashboard frame costs the UI thread: the real App rendered by Ink into a ScreenWriter over a
 * fake terminal, fed by a scripted store whose snapshots change like a busy box's (test/helpers/
 * scriptedStore.ts), one frame per snapshot. Reports CPU ms per frame (process.cpuUsage around each
 * frame, median over the measured frames) and, with --profile, the top self-time functions.
 *
 * It bundles the UI the way scripts/bundle.mjs does, once with our Ink patches and once without
 * ("original"), and measures each in its own process, runs interleaved. A measuring script, not a test.
 *
 *   npm run bench:ui -- [--runs 3] [--frames 300] [--sizes 120x40,80x24] [--ink both|patched|original]
 *       [--profile [--top 20] [--profile-dir DIR]] [--heap] [--gap MS] [--sockets 10000]
 */

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScriptedStore, SnapshotScript } from '../test/helpers/scriptedStore.js';
import { fmtMs, median, percentile, table } from './stats.js';
import { FakeStdin, FakeTerminal } from '../test/helpers/fakeTerminal.js';

type Entry = typeof import('./ui-frame-entry.js');
type Variant = 'patched' | 'original';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bundlePath = (v: Variant) => `${ROOT}dist/bench/ui-frame-bundle.${v}.js`;

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    frames: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '60' },
    sizes: { type: 'string', default: '120x40,80x24' },
    ink: { type: 'string', default: 'both' },
    profile: { type: 'boolean', default: false },
    /** Also write each profiled child's raw .cpuprofile into this folder (for DevTools). */
    'profile-dir': { type: 'string' },
    top: { type: 'string', default: '20' },
    gap: { type: 'string', default: '0' },
    /** Report the heap after a full GC before and after the measured frames (what stays: caches). */
    heap: { type: 'boolean', default: false },
    sockets: { type: 'string', default: '10000' },
    child: { type: 'string' },
    size: { type: 'string' },
  },
});



interface ChildResult {
  variant: Variant;
  size: string;
  frames: number;
  msPerFrame: number[];
  inkRenderMs: number[];
  bytesPerFrame: number;
  profile?: { name: string; where: string; selfMs: number }[];
  profileTotalMs?: number;
  /** The patched Output's counters: frames on the fast and slow paths, row cache hits and misses. */
  outputStats?: Record<string, number>;
  heapGrowthMb?: number;
}

/** Self time per function from a V8 CPU profile; bundle lines are named by esbuild's `// module` comments. */
function topFunctions(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, bundle: string) {
  const modules: { line: number; name: string }[] = [];
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(l);
      if (m) modules.push({ line: i, name: m[1].replace(/^node_modules\//, '') });
    });
  const moduleAt = (line: number) => {
    let lo = 0, hi = modules.length - 1, best = '';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (modules[mid].line <= line) {
        best = modules[mid].name;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const agg = new Map<string, { name: string; where: string; selfMs: number }>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    if (f.functionName === '(idle)') continue;
    total += us;
    const where = f.url.endsWith('.js') && f.url.includes('ui-frame-bundle') ? moduleAt(f.lineNumber) : f.url.replace(/^.*\//, '') || '';
    const name = f.functionName || '(anonymous)';
    const key = `${name}@${where}:${f.url.includes('ui-frame-bundle') ? '' : f.lineNumber}`;
    const a = agg.get(key) ?? { name, where, selfMs: 0 };
    a.selfMs += us / 1000;
    agg.set(key, a);
  }
  return { top: [...agg.values()].sort((a, b) => b.selfMs - a.selfMs), totalMs: total / 1000 };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

async function child(variant: Variant, size: string): Promise<ChildResult> {
  const [columns, rows] = size.split('x').map(Number);
  const frames = Number(opt.frames), warmup = Number(opt.warmup), gap = Number(opt.gap);
  const ui = (await import(pathToFileURL(bundlePath(variant)).href)) as Entry;
  const script = new SnapshotScript({ seed: 7, sockets: Number(opt.sockets) });
  const store = new ScriptedStore(script.next());
  const term = new FakeTerminal(columns, rows);
  const screen = new ui.ScreenWriter(term as unknown as NodeJS.WriteStream);
  let frameDone: (() => void) | null = null;
  let written = 0;
  const write = screen.write.bind(screen);
  screen.write = (f: string) => {
    written++;
    const r = write(f);
    frameDone?.();
    return r;
  };
  const inkMs: number[] = [];
  const tree = ui.createElement(
    ui.ThemeContext.Provider,
    { value: { color: true, ascii: false } },
    ui.createElement(ui.App, {
      store,
      host: 'bench-host',
      os: 'Debian GNU/Linux 13 6.18.0',
      services: script.services,
      initial: ui.initialViewState({ intervalMs: 1000 }),
      onQuit: () => {},
    }),
  );
  const instance = ui.render(tree, {
    stdout: screen as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
    onRender: ({ renderTime }) => inkMs.push(renderTime),
  });
  await sleep(20);

  const session = new Session();
  const ms: number[] = [];
  const render: number[] = [];
  let bytes0 = 0;
  let heap0 = 0;
  const heapMb = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  for (let i = 0; i < warmup + frames; i++) {
    if (i === warmup) {
      bytes0 = term.bytes;
      if (opt.heap) heap0 = heapMb();
      if (opt.profile) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      }
    }
    const snap = script.next();
    const seen = new Promise<void>((resolve) => (frameDone = resolve));
    const before = written;
    const inkBefore = inkMs.length;
    const c0 = process.cpuUsage();
    store.publish(snap);
    if (written === before) await seen;
    await new Promise<void>((resolve) => setImmediate(resolve)); // passive effects
    const c = process.cpuUsage(c0);
    frameDone = null;
    if (i >= warmup) {
      ms.push((c.user + c.system) / 1000);
      render.push(inkMs.slice(inkBefore).reduce((a, b) => a + b, 0));
    }
    if (gap) await sleep(gap);
  }
  let profile: ChildResult['profile'];
  let profileTotalMs: number | undefined;
  if (opt.profile) {
    const { profile: p } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
    session.disconnect();
    if (opt['profile-dir']) writeFileSync(`${opt['profile-dir']}/ui-frame-${variant}-${size}.cpuprofile`, JSON.stringify(p));
    const t = topFunctions(p, bundlePath(variant));
    profile = t.top.slice(0, Number(opt.top));
    profileTotalMs = t.totalMs;
  }
  const heapGrowthMb = opt.heap ? heapMb() - heap0 : undefined;
  instance.unmount();
  const outputStats = (globalThis as Record<symbol, Record<string, number> | undefined>)[Symbol.for('tcptally.fastOutput.stats')];
  return { variant, size, frames, msPerFrame: ms, inkRenderMs: render, bytesPerFrame: (term.bytes - bytes0) / frames, profile, profileTotalMs, outputStats, heapGrowthMb };
}

async function buildBundles(variants: Variant[]): Promise<void> {
  const { build } = await import('esbuild');
  const { uiBundleOptions } = (await import(pathToFileURL(`${ROOT}scripts/bundle-options.mjs`).href)) as {
    uiBundleOptions: (o: { entry: string; outfile: string; patchInk?: boolean }) => Parameters<typeof build>[0];
  };
  for (const v of variants) {
    await build(uiBundleOptions({ entry: 'dist/bench/ui-frame-entry.js', outfile: `dist/bench/ui-frame-bundle.${v}.js`, patchInk: v === 'patched' }));
  }
}

async function main(): Promise<void> {
  if (opt.child) {
    const r = await child(opt.child as Variant, opt.size!);
    process.stdout.write(JSON.stringify(r));
    return;
  }
  const variants: Variant[] = opt.ink === 'both' ? ['original', 'patched'] : [opt.ink as Variant];
  await buildBundles(variants);
  const sizes = opt.sizes.split(',');
  const runs = Number(opt.runs);
  const results: ChildResult[] = [];
  for (let run = 0; run < runs; run++) {
    for (const size of sizes) {
      for (const v of variants) {
        const args = [fileURLToPath(import.meta.url), '--child', v, '--size', size, '--frames', opt.frames, '--warmup', opt.warmup, '--gap', opt.gap, '--sockets', opt.sockets, '--top', opt.top];
        if (opt.profile && run === runs - 1) args.push('--profile', ...(opt['profile-dir'] ? ['--profile-dir', opt['profile-dir']] : []));
        // colour on, as in a terminal (the fake stdout is no TTY to chalk)
        if (opt.heap) args.push('--heap');
        const out = execFileSync(process.execPath, [...(opt.heap ? ['--expose-gc'] : []), ...args], { env: { ...process.env, FORCE_COLOR: '1' }, maxBuffer: 64 << 20, encoding: 'utf8' });
        const r = JSON.parse(out) as ChildResult;
        results.push(r);
        process.stderr.write(`run ${run + 1} ${size} ${v}: median ${fmtMs(median(r.msPerFrame))} ms/frame (ink render ${fmtMs(median(r.inkRenderMs))} ms)${r.outputStats ? ` ${JSON.stringify(r.outputStats)}` : ''}${r.heapGrowthMb !== undefined ? ` heap +${r.heapGrowthMb.toFixed(1)} MB` : ''}\n`);
      }
    }
  }
  const rowsOut: string[][] = [];
  for (const size of sizes) {
    for (const v of variants) {
      const rs = results.filter((r) => r.size === size && r.variant === v);
      const medians = rs.map((r) => median(r.msPerFrame));
      rowsOut.push([
        `${size} ${v}`,
        medians.map(fmtMs).join(' / '),
        fmtMs(median(medians)),
        fmtMs(median(rs.map((r) => percentile(r.msPerFrame, 90)))),
        fmtMs(median(rs.map((r) => r.msPerFrame.reduce((a, b) => a + b, 0) / r.msPerFrame.length))),
        fmtMs(median(rs.map((r) => median(r.inkRenderMs)))),
        String(Math.round(median(rs.map((r) => r.bytesPerFrame)))),
      ]);
    }
  }
  console.log(`\nCPU ms per frame (user+system, ${opt.frames} frames after ${opt.warmup} warm-up, ${opt.sockets} sockets, per run in its own process)\n`);
  console.log(table(['size ink', 'median per run', 'median of runs', 'p90', 'mean', "Ink's render() ms (wall, output stage)", 'bytes/frame'], rowsOut));
  if (opt.profile) {
    for (const r of results.filter((x) => x.profile)) {
      console.log(`\nTop self time, ${r.size} ${r.variant} (${fmtMs(r.profileTotalMs! / r.frames)} ms/frame profiled)\n`);
      console.log(
        table(
          ['function', 'module', 'ms/frame', '%'],
          r.profile!.map((p) => [p.name, p.where, fmtMs(p.selfMs / r.frames), ((100 * p.selfMs) / r.profileTotalMs!).toFixed(1)]),
        ),
      );
    }
  }
}

await main();
