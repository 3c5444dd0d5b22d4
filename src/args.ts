/** Command-line arguments → a validated Config, or a UsageError (exit 2). Pure: no I/O. */

import { isIPv4, isIPv6 } from 'node:net';
import { parseArgs } from 'node:util';
import { clip } from './model/clip.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './model/filter.js';
import { parseRule, RuleError, type Level, type Rule } from './model/rules.js';
import type { SourceChoice } from './sources/types.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Mode = 'dashboard' | 'once' | 'json' | 'check' | 'serve' | 'help' | 'version';

/** Where --serve listens: an IP address (IPv6 without brackets) and a port. */
export interface ServeAddress {
  host: string;
  port: number;
}

/** --serve PORT alone binds here: the metrics name every service port of the box (see README, Exporter). */
export const DEFAULT_SERVE_HOST = '127.0.0.1';
/** --serve: service ports exported per state when --top is not given, and at most (cardinality bound). */
export const DEFAULT_SERVE_TOP = 10;
export const MAX_SERVE_TOP = 1000;

export interface Config {
  mode: Mode;
  /** Samples to print in a streaming mode (json/once); Infinity with --watch; 1 otherwise. */
  count: number;
  intervalMs: number;
  filterText: string | null;
  source: SourceChoice;
  pid: number | undefined;
  /** --top: rows in each ports / peers list (0 = none), 'all', or undefined for the mode's default (see listRows). */
  top: number | 'all' | undefined;
  ascii: boolean;
  color: boolean;
  historySeconds: number;
  /** The user asked for the dashboard explicitly (--dashboard). */
  forceDashboard: boolean;
  /** Look up which processes hold the sockets (off with --no-owners). */
  owners: boolean;
  /** Every network namespace on the box (--all-netns). */
  allNetns: boolean;
  /** --warn / --crit rules, in the order given (--check, the dashboard, --json). */
  rules: Rule[];
  /** --ssh: remote hosts to read instead of this box (empty: this box). */
  ssh: string[];
  /** --ssh-command split into argv (default ['ssh']). */
  sshCommand: string[];
  /** --bell: the dashboard rings the terminal's bell when an alert starts at a higher level. */
  bell: boolean;
  /** --serve: the Prometheus exporter's address (mode 'serve', or beside the dashboard with --dashboard). */
  serve: ServeAddress | null;
  /** --diagram: the text modes print the TCP state diagram instead of the summary. */
  diagram: boolean;
  /** --record FILE: every sample also goes to this recording (null: none). */
  record: string | null;
  /** --record-max: bytes a recording file reaches before it rotates to FILE.1. */
  recordMaxBytes: number;
  /** --replay FILE: the samples come from this recording, not from the box (null: live). */
  replay: string | null;
}

/** The default --record-max: 100 MiB. */
export const DEFAULT_RECORD_MAX = 100 * 1024 * 1024;

export const HELP = `tcptally — live TCP sockets by state, ports and peers (exact: counts equal ss's)

Usage: tcptally [options] [FILTER...]

Modes (default: the dashboard on a terminal, --once into a pipe):
      --dashboard         the dashboard, or exit 2 when there is no terminal
      --once              print a summary of one sample and exit
      --json              print one JSON object and exit
      --count N           print N samples (NDJSON with --json), one per interval
      --watch             print a sample every interval until interrupted
      --diagram           with --once (--count, --watch): print the TCP state diagram
                          with the counts, the largest pile marked and explained
      --check             a monitoring-plugin check (Nagios, Icinga, Sensu, cron): one
                          line "TCPTALLY STATUS - … | perfdata", exit 0 OK, 1 WARNING,
                          2 CRITICAL, 3 UNKNOWN; with --count N, N samples, worst wins
      --warn RULE         warning when RULE holds (repeatable): --check's status, the
                          dashboard's header and colours (a view), --json's "alerts"
      --crit RULE         critical when RULE holds (repeatable), likewise
      --bell              the dashboard rings the bell when an alert starts (or rises
                          from warning to critical)
      --serve [ADDR:]PORT Prometheus metrics on http://ADDR:PORT/metrics until SIGTERM
                          (ADDR default 127.0.0.1; [::1]:PORT for IPv6); no terminal
                          needed; with --dashboard the dashboard runs beside it
      --replay FILE       the dashboard over a recording (keys: Space pause, , . step,
                          [ ] a minute, < > speed); with --json every recorded sample as
                          NDJSON; with --once (or into a pipe) the last sample's summary
Recording:
      --record FILE       also write every sample to FILE (NDJSON: a header line, then
                          one line per sample), beside any mode; FILE is replaced
      --record-max SIZE   rotate FILE to FILE.1 when the next sample would take it past
                          SIZE bytes (K, M, G suffixes: 1024s; default 100M)
Options:
  -i, --interval SEC      seconds between samples, 0.1 to 3600 (default 1)
  -f, --filter EXPR       ss-style filter, e.g. "state time-wait and dport = 5432";
                          repeat -f or add trailing words: all of them apply
      --source NAME       auto | netlink | proc | si (default auto: netlink, else
                          /proc); the single-file build loads its netlink addon from
                          $TMPDIR: where that is noexec, netlink fails, auto reads /proc
      --pid PID           the sockets of PID's network namespace (a container's), via /proc
      --top N|all         rows in each ports and peers list, 0 for none
                          (default: --once 10, --json 20); with --serve: the ports
                          exported per state, 0 to 1000 (default 10)
      --history SEC       seconds of trend history to keep (default 600)
      --ascii             ASCII bars and sparklines (default when the locale is not UTF-8)
      --no-color          no colour (also when NO_COLOR is set)
      --no-owners         do not look up which processes hold the sockets (/proc/*/fd)
      --all-netns         every network namespace on the box (containers, pods), each
                          by /proc/PID/net of one member; the dashboard's n key turns
                          it on and off
      --ssh DEST          read DEST ([user@]host, as ssh takes it) instead of this box,
                          over one ssh session; repeat it or give a comma list for a
                          fleet of hosts
      --ssh-command CMD   the ssh command and its options (default "ssh"), e.g.
                          "ssh -p 2222 -i KEY", like rsync's -e
  -h, --help              this help
  -V, --version           the version
Numbers are plain decimals (0.5, 1000): no sign, exponent or hex.

Filter words: established estab syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait tw
close close-wait cw last-ack listen closing; groups all connected synchronized bucket
big; state X, exclude X; sport|dport|port [OP] N; src|dst|addr|host ADDR[/PREFIX][:PORT];
v4 v6; and or not ( ). OP: = != < > <= >=. At most ${MAX_FILTER_LENGTH} characters and
${MAX_FILTER_DEPTH} nested "(" / "not".

Rules (also one "warn RULE" / "crit RULE" a line in $XDG_CONFIG_HOME/tcptally/config,
else ~/.config/tcptally/config): STATE OP N, STATE:PORT OP N, rate(STATE) OP N (per
second), total OP N, conntrack OP N[%], acceptqueue OP N% (the fullest listener's
accept queue against its backlog), headroom OP N[%] (the fullest destination's ephemeral
ports); OP: > >= < <=. E.g. "CLOSE_WAIT:8080 > 100", "rate(TIME_WAIT) > 200",
"conntrack > 80%", "headroom > 80%" (default for both: warn at 80 %, crit at 90 %),
"acceptqueue > 80%" (default: warn at >= 80 %, crit above 100 %: full).

Exit codes: 0 ok, 1 runtime error (cannot read sockets, no such pid, an --ssh host
unreachable, cannot write the --record file, a --replay file that is not a recording),
2 usage error (also a bad rule, on the command line or in the config file),
130 / 143 ended by SIGINT (Ctrl-C in --watch, --count) / SIGTERM, 129 SIGHUP (dashboard).
--serve alone: 0 when ended by SIGTERM or SIGINT, 1 when it cannot listen or read sockets.
With --check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also a bad rule or option).`;

const OPTIONS = {
  once: { type: 'boolean' },
  diagram: { type: 'boolean' },
  json: { type: 'boolean' },
  watch: { type: 'boolean' },
  count: { type: 'string' },
  interval: { type: 'string', short: 'i' },
  filter: { type: 'string', short: 'f', multiple: true },
  source: { type: 'string' },
  pid: { type: 'string' },
  top: { type: 'string' },
  history: { type: 'string' },
  ascii: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'no-owners': { type: 'boolean' },
  'all-netns': { type: 'boolean' },
  ssh: { type: 'string', multiple: true },
  'ssh-command': { type: 'string' },
  dashboard: { type: 'boolean' },
  check: { type: 'boolean' },
  warn: { type: 'string', multiple: true },
  record: { type: 'string' },
  'record-max': { type: 'string' },
  replay: { type: 'string' },
  crit: { type: 'string', multiple: true },
  bell: { type: 'boolean' },
  serve: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

interface Values {
  once?: boolean; json?: boolean; watch?: boolean; ascii?: boolean; 'no-color'?: boolean; 'no-owners'?: boolean; 'all-netns'?: boolean;
  dashboard?: boolean; help?: boolean; version?: boolean; check?: boolean; bell?: boolean; diagram?: boolean;
  count?: string; interval?: string; source?: string; pid?: string; top?: string; history?: string; serve?: string;
  filter?: string[]; warn?: string[]; crit?: string[]; ssh?: string[]; 'ssh-command'?: string;
  record?: string; 'record-max'?: string; replay?: string;
}

/** Rows in each ports / peers list when --top is not given. */
export const DEFAULT_TOP = { json: 20, once: 10 } as const;

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/** A plain decimal number (no sign, exponent, hex or spaces) from min to max, or a UsageError. */
function num(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const v = Number(raw);
  if (!(integer ? WHOLE : DECIMAL).test(raw) || v < min || v > max) {
    const what = integer ? 'a whole number' : 'a number';
    throw new UsageError(`${name} takes ${what} from ${min} to ${max}, got "${clip(raw)}"`);
  }
  return v;
}

/**
 * Reads argv with node:util's parseArgs in its lenient mode and checks every option itself, for
 * messages that say what is wrong: an unknown option, a flag given a value (--json=1), an option
 * without its value. A value that starts with "-" is taken only when it is a negative number (-i -1
 * then fails the range check, naming the range); else the option "needs a value" (-i --json).
 */
function readArgs(argv: string[]): { values: Values; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (!Object.hasOwn(OPTIONS, t.name)) throw new UsageError(`unknown option ${clip(t.rawName)}`);
    const long = `--${t.name}`;
    if (OPTIONS[t.name as OptionName].type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${long} takes no value`);
    } else if (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && !/^-[\d.]/.test(t.value))) {
      throw new UsageError(`${long} needs a value`);
    }
  }
  return { values: values as Values, positionals };
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  const { values: v, positionals } = readArgs(argv);
  let mode: Mode = 'dashboard';
  if (v.help) mode = 'help';
  else if (v.version) mode = 'version';
  else if (v.check) mode = 'check';
  else if (v.json) mode = 'json';
  else if (v.once || v.count !== undefined || v.watch) mode = 'once';
  if (v.dashboard && (v.json || v.once || v.count !== undefined || v.watch)) {
    throw new UsageError('--dashboard cannot be combined with --once, --json, --count or --watch');
  }
  if (v.watch && v.count !== undefined) throw new UsageError('--watch and --count cannot be combined');
  if (v.check && (v.json || v.once || v.watch || v.dashboard)) {
    throw new UsageError('--check cannot be combined with --once, --json, --watch or --dashboard');
  }
  const serve = v.serve !== undefined ? parseServe(v.serve) : null;
  if (serve) {
    if (v.json || v.once || v.count !== undefined || v.watch || v.check) {
      throw new UsageError('--serve cannot be combined with --once, --json, --count, --watch or --check');
    }
    if (!v.dashboard && mode === 'dashboard') mode = 'serve';
  }
  if (v.bell && mode !== 'dashboard') throw new UsageError('--bell rings in the dashboard only');
  if (v.diagram && mode !== 'once' && mode !== 'help' && mode !== 'version') {
    throw new UsageError('--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard');
  }
  const rules = [...ruleList(v.warn, 'warning'), ...ruleList(v.crit, 'critical')];

  checkReplay(v, positionals);

  const source = (v.source ?? 'auto') as SourceChoice;
  if (!['auto', 'netlink', 'proc', 'si'].includes(source)) {
    throw new UsageError(`--source takes auto, netlink, proc or si, got "${clip(source)}"`);
  }
  const pid = v.pid !== undefined ? num('--pid', v.pid, 1, 4_194_304, true) : undefined;
  if (pid !== undefined && (source === 'netlink' || source === 'si')) {
    throw new UsageError(`--pid reads /proc/PID/net and cannot be used with --source ${source}`);
  }
  if (v['all-netns'] && (pid !== undefined || source === 'si')) {
    throw new UsageError(`--all-netns reads every namespace and cannot be used with ${pid !== undefined ? '--pid' : '--source si'}`);
  }
  const ssh = (v.ssh ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
  if (v.ssh && ssh.length === 0) throw new UsageError('--ssh needs a destination ([user@]host)');
  const bad = ssh.find((d) => d.startsWith('-') || /\s/.test(d));
  if (bad !== undefined) throw new UsageError(`--ssh takes [user@]host, got "${clip(bad)}"`);
  if (v['ssh-command'] !== undefined && ssh.length === 0) throw new UsageError('--ssh-command needs --ssh');
  const sshCommand = v['ssh-command'] !== undefined ? splitCommand(v['ssh-command']) : ['ssh'];
  if (ssh.length > 0) {
    const other = v.pid !== undefined ? '--pid' : v['all-netns'] ? '--all-netns' : v.source !== undefined ? '--source' : v.check ? '--check'
      : v.serve !== undefined ? '--serve' : v.diagram ? '--diagram' : v.bell ? '--bell'
      : v.record !== undefined ? '--record' : v.replay !== undefined ? '--replay' : null;
    if (other) throw new UsageError(`--ssh cannot be combined with ${other}`);
  }
  // every -f, and the trailing words, are one filter each: all of them apply
  const parts = [...(v.filter ?? []), positionals.join(' ')].map((s) => s.trim()).filter((s) => s !== '');
  const filterText = parts.length === 0 ? null : parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' and ');
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    mode,
    count: v.watch ? Infinity : v.count !== undefined ? num('--count', v.count, 1, 1e9, true) : 1,
    intervalMs: Math.round(1000 * (v.interval !== undefined ? num('--interval', v.interval, 0.1, 3600, false) : 1)),
    filterText,
    source,
    pid,
    top: v.top === undefined ? undefined : serve ? serveTopOf(v.top) : parseTop(v.top),
    ascii: !!v.ascii || !isUtf8Locale(env),
    color: !v['no-color'] && !noColor,
    owners: !v['no-owners'],
    allNetns: !!v['all-netns'],
    historySeconds: v.history !== undefined ? num('--history', v.history, 10, 86_400, true) : 600,
    forceDashboard: !!v.dashboard,
    rules,
    ssh,
    sshCommand,
    bell: !!v.bell,
    serve,
    diagram: !!v.diagram,
    record: v.record ?? null,
    recordMaxBytes: v['record-max'] !== undefined ? parseSize('--record-max', v['record-max']) : DEFAULT_RECORD_MAX,
    replay: v.replay ?? null,
  };
}

/** What a replay cannot do with a recording: sample the box, re-count, or record it again. */
function checkReplay(v: Values, positionals: string[]): void {
  if (v['record-max'] !== undefined && v.record === undefined) throw new UsageError('--record-max needs --record');
  if (v.record === '' || v.replay === '') throw new UsageError(`--${v.record === '' ? 'record' : 'replay'} needs a file name`);
  if (v.replay === undefined) return;
  const other = v.record !== undefined ? '--record' : v.serve !== undefined ? '--serve' : v.check ? '--check' : v.count !== undefined ? '--count' : v.watch ? '--watch'
    : v.interval !== undefined ? '--interval' : v.source !== undefined ? '--source' : v.pid !== undefined ? '--pid'
    : v['all-netns'] ? '--all-netns' : v.filter || positionals.length ? 'a filter (a recording holds counts, not sockets)'
    : v.warn || v.crit ? `--${v.warn ? 'warn' : 'crit'} (a replay shows the alerts recorded)` : null;
  if (other) throw new UsageError(`--replay cannot be combined with ${other}`);
}

const SIZE = /^(\d+)([KMG])?$/i;
const MIN_RECORD_BYTES = 1024;
const MAX_RECORD_BYTES = 2 ** 40;

/** A size in bytes: a whole number with an optional K, M or G (1024s), 1K to 1T. */
function parseSize(name: string, raw: string): number {
  const m = SIZE.exec(raw);
  const mult = !m ? NaN : m[2] ? 1024 ** ('KMG'.indexOf(m[2].toUpperCase()) + 1) : 1;
  const n = m ? Number(m[1]) * mult : NaN;
  if (!(n >= MIN_RECORD_BYTES && n <= MAX_RECORD_BYTES)) {
    throw new UsageError(`${name} takes a size from 1K to 1024G (a whole number, K, M or G: 1024s), got "${clip(raw)}"`);
  }
  return n;
}

/**
 * --serve's [ADDR:]PORT: a port alone binds 127.0.0.1; ADDR is an IPv4 address or an IPv6 one in
 * brackets ([::1]:9100, [::]:9100). ":PORT" (every interface, in Go programs) is refused: say 0.0.0.0.
 */
export function parseServe(raw: string): ServeAddress {
  const m = /^(?:(\[[^\]]*\]|[^[\]]*):)?([^:[\]]*)$/.exec(raw);
  const what = `"${clip(raw)}"`;
  if (!m) throw new UsageError(`--serve takes [ADDR:]PORT (9100, 127.0.0.1:9100, [::1]:9100), got ${what}`);
  const [, addr, portText] = m;
  if (!WHOLE.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UsageError(`--serve takes a port from 1 to 65535, got ${what}`);
  }
  const port = Number(portText);
  if (addr === undefined) return { host: DEFAULT_SERVE_HOST, port };
  if (addr === '') throw new UsageError(`--serve needs an address before ":" (0.0.0.0:${port} for every interface), got ${what}`);
  if (addr.startsWith('[')) {
    const v6 = addr.slice(1, -1);
    if (!isIPv6(v6)) throw new UsageError(`--serve: not an IPv6 address: ${clip(v6)}`);
    return { host: v6, port };
  }
  if (!isIPv4(addr)) throw new UsageError(`--serve takes an IP address (127.0.0.1, 0.0.0.0, [::1]), got ${what}`);
  return { host: addr, port };
}

/** --top with --serve: ports per state, bounded (each is up to one series per state). */
function serveTopOf(raw: string): number {
  if (!WHOLE.test(raw) || Number(raw) > MAX_SERVE_TOP) {
    throw new UsageError(`--top with --serve takes a whole number from 0 to ${MAX_SERVE_TOP} (ports per state), got "${clip(raw)}"`);
  }
  return Number(raw);
}

function ruleList(texts: string[] | undefined, level: Level): Rule[] {
  return (texts ?? []).map((t) => {
    try {
      return parseRule(t, level);
    } catch (err) {
      if (err instanceof RuleError) throw new UsageError(err.message);
      throw err;
    }
  });
}

/**
 * A command line as a shell splits it (for --ssh-command): words at blanks, '...' literal, "..." with
 * \\ escapes, \\ outside quotes. No expansions. An empty command or an open quote is a UsageError.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new UsageError('--ssh-command has an unterminated \' quote');
      word += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1])) j++;
        word += text[j];
      }
      if (j >= text.length) throw new UsageError('--ssh-command has an unterminated " quote');
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError('--ssh-command is empty');
  return words;
}

function parseTop(raw: string): number | 'all' {
  if (raw === 'all') return 'all';
  if (!WHOLE.test(raw) || Number(raw) > 1e6) {
    throw new UsageError(`--top takes a whole number from 0 to 1000000 or "all", got "${clip(raw)}"`);
  }
  return Number(raw);
}

/** Rows each ports / peers list prints: --top N (0 = none), `all` = Infinity, else the mode's default. */
export function listRows(cfg: Pick<Config, 'mode' | 'top'>): number {
  if (cfg.top === 'all') return Infinity;
  return cfg.top ?? (cfg.mode === 'json' ? DEFAULT_TOP.json : DEFAULT_TOP.once);
}

/** The locale is UTF-8 when the first of LC_ALL, LC_CTYPE, LANG that is set says so. */
export function isUtf8Locale(env: NodeJS.ProcessEnv): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}
