/** Command-line arguments → a validated Config, or a UsageError (exit 2). Pure: no I/O. */

import { parseArgs } from 'node:util';
import type { SourceChoice } from './sources/types.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Mode = 'dashboard' | 'once' | 'json' | 'help' | 'version';

export interface Config {
  mode: Mode;
  /** Samples to print in a streaming mode (json/once); Infinity with --watch; 1 otherwise. */
  count: number;
  intervalMs: number;
  filterText: string | null;
  source: SourceChoice;
  pid: number | undefined;
  top: number | undefined;
  ascii: boolean;
  color: boolean;
  historySeconds: number;
  /** The user asked for the dashboard explicitly (--dashboard). */
  forceDashboard: boolean;
}

export const HELP = `tcptally — live TCP sockets by state, ports and peers (exact: counts equal ss's)

Usage: tcptally [options] [FILTER...]

Modes (default: the dashboard on a terminal, --once into a pipe):
      --dashboard         the dashboard, or exit 2 when there is no terminal
      --once              print a summary of one sample and exit
      --json              print one JSON object and exit
      --count N           print N samples (NDJSON with --json), one per interval
      --watch             print a sample every interval until interrupted
Options:
  -i, --interval SEC      seconds between samples, 0.1 to 3600 (default 1)
  -f, --filter EXPR       ss-style filter, e.g. "state time-wait and dport = 5432"
                          (trailing words are a filter too)
      --source NAME       auto | netlink | proc | si (default auto: netlink, else /proc)
      --pid PID           the sockets of PID's network namespace (a container's), via /proc
      --top N             rows in the ports and peers lists (--once default 10, --json all)
      --history SEC       seconds of trend history to keep (default 600)
      --ascii             ASCII bars and sparklines (default when the locale is not UTF-8)
      --no-color          no colour (also when NO_COLOR is set)
  -h, --help              this help
  -V, --version           the version

Filter words: established estab syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait tw close
close-wait cw last-ack listen closing connected bucket all, state X, sport|dport|port [OP] N,
src|dst|addr ADDR[/PREFIX], v4 v6, and or not ( ). OP: = != < > <= >=.

Exit codes: 0 ok, 1 runtime error (cannot read sockets, no such pid), 2 usage error.`;

function num(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const what = integer ? 'a whole number' : 'a number';
    throw new UsageError(`${name} takes ${what} from ${min} to ${max}, got "${raw}"`);
  }
  return v;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        once: { type: 'boolean' },
        json: { type: 'boolean' },
        watch: { type: 'boolean' },
        count: { type: 'string' },
        interval: { type: 'string', short: 'i' },
        filter: { type: 'string', short: 'f' },
        source: { type: 'string' },
        pid: { type: 'string' },
        top: { type: 'string' },
        history: { type: 'string' },
        ascii: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        dashboard: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const m = /'([^']+)'/.exec(e.message);
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${m ? m[1] : ''}`.trim());
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`option ${m ? m[1].split(' ')[0] : ''} needs a value`.replace(/\s+/, ' '));
    }
    throw new UsageError(e.message.split('\n')[0]);
  }
  const v = parsed.values;
  let mode: Mode = 'dashboard';
  if (v.help) mode = 'help';
  else if (v.version) mode = 'version';
  else if (v.json) mode = 'json';
  else if (v.once || v.count !== undefined || v.watch) mode = 'once';
  if (v.dashboard && (v.json || v.once || v.count !== undefined || v.watch)) {
    throw new UsageError('--dashboard cannot be combined with --once, --json, --count or --watch');
  }
  if (v.watch && v.count !== undefined) throw new UsageError('--watch and --count cannot be combined');

  const source = (v.source ?? 'auto') as SourceChoice;
  if (!['auto', 'netlink', 'proc', 'si'].includes(source)) {
    throw new UsageError(`--source takes auto, netlink, proc or si, got "${v.source}"`);
  }
  const pid = v.pid !== undefined ? num('--pid', v.pid, 1, 4_194_304, true) : undefined;
  if (pid !== undefined && (source === 'netlink' || source === 'si')) {
    throw new UsageError(`--pid reads /proc/PID/net and cannot be used with --source ${source}`);
  }
  const parts = [v.filter, parsed.positionals.join(' ')].map((s) => s?.trim()).filter((s): s is string => !!s);
  const filterText = parts.length === 0 ? null : parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' and ');
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    mode,
    count: v.watch ? Infinity : v.count !== undefined ? num('--count', v.count, 1, 1e9, true) : 1,
    intervalMs: Math.round(1000 * (v.interval !== undefined ? num('--interval', v.interval, 0.1, 3600, false) : 1)),
    filterText,
    source,
    pid,
    top: v.top !== undefined ? num('--top', v.top, 0, 1e6, true) : undefined,
    ascii: !!v.ascii || !isUtf8Locale(env),
    color: !v['no-color'] && !noColor,
    historySeconds: v.history !== undefined ? num('--history', v.history, 10, 86_400, true) : 600,
    forceDashboard: !!v.dashboard,
  };
}

/** The locale is UTF-8 when the first of LC_ALL, LC_CTYPE, LANG that is set says so. */
export function isUtf8Locale(env: NodeJS.ProcessEnv): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(loc);
}
