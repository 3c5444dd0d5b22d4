#!/usr/bin/env node
/** Entry point: arguments → mode (dashboard, --once, --json, streams); exit codes; nothing else. */

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DEFAULT_SERVE_TOP, HELP, listRows, parseCli, UsageError, type Config } from './args.js';
import { FilterError, parseFilter, usesOwners, type FilterNode } from './model/filter.js';
import { NO_SERVICES, parseServices, type Services } from './model/services.js';
import { tallyTop } from './model/tally.js';
import { formatOnce } from './output/text.js';
import { toJson } from './output/json.js';
import { loadDashboard, version } from './parts.js';
import { formatDiagram } from './output/diagram.js';
import { openSampler, type SamplerInit } from './sampler/open.js';
import type { Sampler } from './sampler/sampler.js';
import { checkProcNet, SourceError } from './sources/index.js';
import { ConfigUnreadable, loadConfigRules } from './sources/config.js';
import { headroomInput } from './model/headroom.js';
import { ConfigError, evaluate, type Rule, type RuleInputs, type RuleResult } from './model/rules.js';
import { CHECK_UNKNOWN, formatCheck, formatUnknown, statusOf, withDefaults, type CheckStatus } from './output/check.js';
import type { Snapshot } from './store/store.js';
import { RECORD_TOP } from './model/recording.js';
import { openReplay, RecordingError, RecordingWriter } from './store/recordingFile.js';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
/** --watch / --count ended by SIGINT (Ctrl-C) / SIGTERM: 128 + the signal's number, as a shell reports it. */
const EXIT_SIGINT = 130;
const EXIT_SIGTERM = 143;
/** Rows per table the worker sends to the dashboard (sorted in the worker, so the top is the right top). */
const DASHBOARD_TOP_ROWS = 200;

export function loadServices(path = '/etc/services'): Services {
  try {
    return parseServices(readFileSync(path, 'utf8'));
  } catch {
    return NO_SERVICES;
  }
}

/** --check could not check: the UNKNOWN line on stdout (what the monitor reads), the message on stderr, exit 3. */
function unknown(message: string): never {
  process.stdout.write(`${formatUnknown(message)}\n`);
  process.stderr.write(`tcptally: ${message}\n`);
  process.exit(CHECK_UNKNOWN);
}

function fail(code: number, message: string): never {
  if (checkMode) unknown(message);
  const hint = code === EXIT_USAGE ? ' (try tcptally --help)' : '';
  process.stderr.write(`tcptally: ${message}${hint}\n`);
  process.exit(code);
}

/** Whether this process may take over the terminal. */
export function canRunDashboard(env: NodeJS.ProcessEnv): boolean {
  return !!process.stdin.isTTY && !!process.stdout.isTTY && env.TERM !== 'dumb';
}

/** Before the UI module is imported. */
function prepareDashboard(): void {
  // Ink draws nothing until exit when CI or CONTINUOUS_INTEGRATION is set (is-in-ci, read when Ink
  // loads). This is a real terminal, so drop them before the UI module is imported.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // React's production build (the bundle has it built in; this covers the unbundled fallback)
  process.env.NODE_ENV ??= 'production';
}

/** --check was asked for: every failure is UNKNOWN (3), as monitors expect, not the usual exit codes. */
const checkMode = process.argv.slice(2).includes('--check');

/**
 * The rules file's rules. One that cannot be read (run as another user with root's HOME) loses no
 * sockets: the other modes go on without its rules, with a warning; --check cannot check what it
 * was told to, so it is UNKNOWN.
 */
function readConfigRules(): Rule[] {
  try {
    return loadConfigRules(process.env);
  } catch (err) {
    if (!(err instanceof ConfigUnreadable)) throw err;
    if (checkMode) unknown(err.message);
    process.stderr.write(`tcptally: warning: ${err.message}; going on without its rules\n`);
    return [];
  }
}

async function main(): Promise<void> {
  // a closed pipe (tcptally --json --watch | head -1) is a normal end, not an error
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'EIO') process.exit(EXIT_OK);
    fail(EXIT_RUNTIME, `cannot write output: ${err.code ?? err.message}`);
  };
  process.stdout.on('error', onOutputError);

  let cfg: Config;
  try {
    cfg = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) fail(EXIT_USAGE, err.message);
    throw err;
  }
  if (cfg.mode === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (cfg.mode === 'version') {
    process.stdout.write(`tcptally ${version()}\n`);
    return;
  }

  const services = loadServices();
  if (cfg.replay !== null) return runReplay(cfg, services);
  let filter: FilterNode | null = null;
  try {
    filter = cfg.filterText ? parseFilter(cfg.filterText, { resolvePort: services.portOf }) : null;
  } catch (err) {
    if (err instanceof FilterError) fail(EXIT_USAGE, `bad filter: ${err.message}`);
    throw err;
  }
  if (usesOwners(filter) && (!cfg.owners || cfg.source === 'si')) {
    fail(EXIT_USAGE, `the filter names processes (pid, comm, user, container): ${cfg.owners ? 'systeminformation has no socket inodes' : 'drop --no-owners'}`);
  }
  // the rules in force in every mode: --warn / --crit, the config file's, the conntrack fills
  let rules: Rule[] = [];
  try {
    rules = withDefaults([...cfg.rules, ...readConfigRules()]);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (checkMode) unknown(err.message);
    process.stderr.write(`tcptally: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  }


  const interactive = cfg.mode === 'dashboard' && (cfg.forceDashboard || canRunDashboard(process.env));
  if (cfg.mode === 'dashboard' && cfg.forceDashboard && !canRunDashboard(process.env)) {
    fail(EXIT_USAGE, 'the dashboard needs a terminal on stdin and stdout (and TERM other than dumb)');
  }
  if (cfg.ssh.length > 0) {
    // other hosts (--ssh): the same modes, each host read through its ssh session (src/sshCli.ts)
    const { runSsh } = await import('./sshCli.js');
    const code = await runSsh({
      cfg, services, filter, interactive, rules,
      runDashboard: async (fleet) => {
        prepareDashboard();
        const { runDashboard } = await loadDashboard();
        process.stdout.off('error', onOutputError);
        return runDashboard({ store: fleet.hosts[0], fleet, cfg, services, host: hostname(), filter });
      },
    });
    process.exit(code);
  }
  // a gone or unreadable --pid is said here, on every path: before the dashboard takes the screen
  if (cfg.pid !== undefined) {
    try {
      checkProcNet(cfg.pid);
    } catch (err) {
      if (err instanceof SourceError) fail(EXIT_RUNTIME, err.message);
      throw err;
    }
  }
  // --record: the file is opened (and its header written) before anything samples: a path that cannot
  // be written is said now, in one line
  let recorder: RecordingWriter | null = null;
  if (cfg.record !== null) {
    try {
      recorder = new RecordingWriter({ path: cfg.record, maxBytes: cfg.recordMaxBytes, host: hostname(), version: version() });
    } catch (err) {
      if (err instanceof RecordingError) fail(EXIT_RUNTIME, err.message);
      throw err;
    }
  }
  const init: SamplerInit = {
    source: cfg.source,
    pid: cfg.pid,
    historySeconds: cfg.historySeconds,
    owners: cfg.owners,
    allNetns: cfg.allNetns,
    rules,
    query: { intervalMs: cfg.intervalMs, filterText: filter ? cfg.filterText : null, filter, allNetns: cfg.allNetns },
  };
  // --serve listens first: a bad address ends here, before the dashboard takes the screen
  // headless, --record records the exporter's samples (beside the dashboard, the dashboard's)
  const exporter = cfg.serve ? await openExporter(cfg, init, filter, cfg.mode === 'serve' ? recorder : null) : null;
  if (cfg.mode === 'serve') {
    const { formatServeAddress, serveUntilSignal } = await import('./serve.js');
    process.stderr.write(`tcptally: serving http://${formatServeAddress(exporter!.address)}/metrics\n`);
    const err = await serveUntilSignal(exporter!);
    if (err) fail(EXIT_RUNTIME, err.message);
    process.exit(EXIT_OK);
  }
  if (interactive) {
    prepareDashboard();
    // the dashboard samples in a worker thread, which opens the source: keys and frames never wait
    // for a socket walk, and a source that cannot be read ends the dashboard with its message
    const { WorkerStore } = await import('./sampler/workerStore.js');
    // the other namespaces within a third of the interval per sample (each read walks the whole box's
    // table); the n key turns them on and off
    const netnsBudgetMs = Math.max(50, cfg.intervalMs / 3);
    const worker = new WorkerStore({ ...init, trackAges: true, netnsToggle: true, netnsBudgetMs, query: { ...init.query, top: DASHBOARD_TOP_ROWS } });
    const { RecordingStore } = await import('./store/recordingStore.js');
    const store = recorder ? new RecordingStore(worker, recorder) : worker;
    const { runDashboard } = await loadDashboard();
    // the dashboard's terminal guard handles a dead terminal: it stops the worker before exiting
    process.stdout.off('error', onOutputError);
    const code = await runDashboard({ store, cfg, services, host: hostname(), filter });
    await exporter?.close();
    process.exit(code);
  }

  if (cfg.mode === 'check') return runCheck(cfg, init, recorder);

  const rows = listRows(cfg); // rows of each ports / peers list printed (Infinity: --top all)
  let sampler: Sampler;
  try {
    // one sample is complete (every process walked); a stream spreads the walk over its samples
    const ownersBudgetMs = cfg.count === 1 ? Infinity : undefined;
    // a recording keeps RECORD_TOP rows of each list, whatever this output prints
    const top = tallyTop(recorder && rows < RECORD_TOP ? RECORD_TOP : rows);
    sampler = await openSampler({ ...init, ownersBudgetMs, query: { ...init.query, top } });
  } catch (err) {
    if (err instanceof SourceError) fail(EXIT_RUNTIME, err.message);
    throw err;
  }
  // recorded before it is printed; a failed write rejects the sample (one line, exit 1)
  if (recorder) sampler.subscribe((s) => recorder.write(s));

  const host = hostname();
  const emit = (s: Snapshot): void => {
    if (cfg.mode === 'json') {
      process.stdout.write(`${JSON.stringify(toJson(s, host, services, rows))}\n`);
    } else if (cfg.diagram) {
      // the terminal's width (100 into a pipe); colour only on a terminal (and not under NO_COLOR)
      const tty = !!process.stdout.isTTY;
      process.stdout.write(formatDiagram(s, { host, width: tty ? process.stdout.columns || 100 : 100, ascii: cfg.ascii, color: cfg.color && tty }));
    } else {
      const width = Math.max(60, Math.min(process.stdout.columns || 100, 160));
      process.stdout.write(formatOnce(s, { host, services, width, ascii: cfg.ascii, top: rows }));
    }
  };

  try {
    if (cfg.count === 1) {
      emit(await sampler.sample());
      sampler.close();
      recorder?.close();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      let printed = 0;
      const stop = (code: number = EXIT_OK) => {
        sampler.close();
        recorder?.close();
        process.exitCode = code;
        resolve();
      };
      sampler.subscribe((s) => {
        if (printed > 0 && cfg.mode !== 'json') process.stdout.write('\n');
        emit(s);
        if (++printed >= cfg.count) stop();
      });
      sampler.onError(reject);
      // interrupted: the lines printed are whole; the code says it did not end on its own (128 + signal)
      process.once('SIGINT', () => stop(EXIT_SIGINT));
      process.once('SIGTERM', () => stop(EXIT_SIGTERM));
      sampler.start();
    });
  } catch (err) {
    if (err instanceof SourceError || err instanceof RecordingError) fail(EXIT_RUNTIME, err.message);
    throw err;
  }
}

/**
 * --replay FILE: the dashboard over the recording, or (--json) every recorded sample as live --json
 * prints it, or (--once, a pipe) the summary of the last sample. A file that cannot be replayed: one
 * line, exit 1; a last line cut short is left out and said once on stderr.
 */
async function runReplay(cfg: Config, services: Services): Promise<void> {
  const file = cfg.replay!;
  const interactive = cfg.mode === 'dashboard' && (cfg.forceDashboard || canRunDashboard(process.env));
  if (cfg.mode === 'dashboard' && cfg.forceDashboard && !canRunDashboard(process.env)) {
    fail(EXIT_USAGE, 'the dashboard needs a terminal on stdin and stdout (and TERM other than dumb)');
  }
  let opened: ReturnType<typeof openReplay>;
  try {
    opened = openReplay(file, { historySeconds: cfg.historySeconds });
  } catch (err) {
    if (err instanceof RecordingError) fail(EXIT_RUNTIME, err.message);
    throw err;
  }
  const { header, store, cut, skipped } = opened;
  if (cut) process.stderr.write(`tcptally: ${file}: the last line is cut short (the recording was stopped while writing it); replaying the ${store.count} whole samples\n`);
  if (skipped) process.stderr.write(`tcptally: ${file}: ${skipped} lines are not samples and were left out\n`);
  if (interactive) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    process.env.NODE_ENV ??= 'production';
    const { runDashboard } = await loadDashboard();
    const code = await runDashboard({ store, cfg, services, host: header.host, filter: null, os: header.kernel });
    process.exit(code);
  }
  const rows = listRows(cfg);
  const view = { sortBy: 'total' as const, ascending: false, trendSeries: 0, trendPoints: 0 };
  try {
    if (cfg.mode === 'json') {
      for (let i = 0; i < store.count; i++) {
        process.stdout.write(`${JSON.stringify(toJson(store.snapshotAt(i, view), header.host, services, rows))}\n`);
      }
    } else {
      const last = store.snapshotAt(store.count - 1, view);
      const tty = !!process.stdout.isTTY;
      const width = Math.max(60, Math.min(process.stdout.columns || 100, 160));
      process.stdout.write(cfg.diagram
        ? formatDiagram(last, { host: header.host, width: tty ? process.stdout.columns || 100 : 100, ascii: cfg.ascii, color: cfg.color && tty })
        : formatOnce(last, { host: header.host, services, width, ascii: cfg.ascii, top: rows }));
    }
  } catch (err) {
    fail(EXIT_RUNTIME, (err as Error).message);
  }
}

/** --serve: the exporter listening (its sampler started), or exit 1 with why it cannot listen. */
async function openExporter(cfg: Config, init: SamplerInit, filter: FilterNode | null, recorder: RecordingWriter | null): Promise<import('./serve.js').Exporter> {
  const { Exporter, ServeError, exporterStore } = await import('./serve.js');
  // owners only when the filter names processes: the metrics are counts
  const exporterInit = { ...init, owners: init.owners && usesOwners(filter) };
  const topPorts = typeof cfg.top === 'number' ? cfg.top : DEFAULT_SERVE_TOP;
  let store: import('./store/store.js').Store | undefined;
  if (recorder) {
    const { RecordingStore } = await import('./store/recordingStore.js');
    store = new RecordingStore(exporterStore(exporterInit, topPorts), recorder);
  }
  try {
    const common = { address: cfg.serve!, topPorts, version: version() };
    return await Exporter.open(store ? { ...common, store } : { ...common, init: exporterInit });
  } catch (err) {
    if (err instanceof ServeError) fail(EXIT_RUNTIME, err.message);
    throw err;
  }
}

/** --check: N samples (two at least when a rule is a rate), rules evaluated on each, the worst one printed. */
async function runCheck(cfg: Config, init: SamplerInit, recorder: RecordingWriter | null): Promise<void> {
  const rules = init.rules ?? [];
  let sampler: Sampler;
  try {
    // owners only when the filter names processes: the check needs counts, not the /proc/*/fd walk
    sampler = await openSampler({ ...init, owners: init.owners && usesOwners(init.query.filter ?? null), ownersBudgetMs: Infinity, query: { ...init.query, top: 0 } });
  } catch (err) {
    if (err instanceof SourceError) unknown(err.message);
    throw err;
  }
  if (recorder) sampler.subscribe((s) => recorder.write(s));
  const samples = Math.max(cfg.count, rules.some((r) => r.metric.kind === 'rate') ? 2 : 1);
  let worst: { status: CheckStatus; line: string } | null = null;
  // keep only what a rate needs from the previous sample (a copy: never the sampler's own arrays)
  let prev: RuleInputs | null = null;
  try {
    for (let i = 0; i < samples; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, cfg.intervalMs));
      const s = await sampler.sample();
      const extra = { conntrack: s.conntrack, listeners: s.listeners, headroom: headroomInput(s.headroom) };
      const results: RuleResult[] = evaluate(rules, s, prev, extra);
      const status = statusOf(results);
      // worst wins; among equals the latest
      if (!worst || status >= worst.status) worst = { status, line: formatCheck(results, s.tally, extra) };
      prev = { time: s.time, tally: { total: s.tally.total, states: [...s.tally.states], ports: [] } };
    }
  } catch (err) {
    if (err instanceof SourceError || err instanceof RecordingError) unknown(err.message);
    throw err;
  } finally {
    sampler.close();
    recorder?.close();
  }
  process.stdout.write(`${worst!.line}\n`);
  process.exitCode = worst!.status;
}

main().catch((err: unknown) => {
  // a bug, not a user's mistake: say so in one line, with the stack only on request
  const e = err as Error;
  if (checkMode) process.stdout.write(`${formatUnknown(`internal error: ${e?.message ?? String(err)}`)}\n`);
  process.stderr.write(`tcptally: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.TCPTALLY_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exit(checkMode ? CHECK_UNKNOWN : EXIT_RUNTIME);
});
