/**
 * --ssh DEST…: the CLI's modes for remote hosts. One host: its dashboard, or --once / --json samples;
 * several: the fleet view, or each host's samples (JSON objects carry `host`). A host that cannot be
 * reached in --once / --json is one line on stderr naming it (exit 1); a host that drops in a stream
 * is said (a JSON object with "link": "down") and reconnected.
 */

import { listRows, type Config } from './args.js';
import type { FilterNode } from './model/filter.js';
import type { Rule } from './model/rules.js';
import type { Services } from './model/services.js';
import { tallyTop } from './model/tally.js';
import { toJson } from './output/json.js';
import { formatOnce } from './output/text.js';
import { remoteAgentCode } from './parts.js';
import { FleetStore } from './store/fleet.js';
import { RemoteHost } from './store/remote.js';
import type { Query, RemoteLink, Snapshot } from './store/store.js';

const EXIT_OK = 0;
const EXIT_RUNTIME = 1;
const DASHBOARD_TOP_ROWS = 200;

/** The node-remote bundle (src/parts.ts: a file, or the single executable's asset), read once; null: proc-remote only. */
function agentLoader(): () => string | null {
  let code: string | null | undefined;
  return () => (code === undefined ? (code = remoteAgentCode()) : code);
}

export interface SshRunOptions {
  cfg: Config;
  services: Services;
  filter: FilterNode | null;
  interactive: boolean;
  /** Alert rules, evaluated where each host is counted (the remote, with node-remote). */
  rules: Rule[];
  /** Mounts the dashboard of these hosts (their fleet, or one host's); resolves with the exit code. */
  runDashboard: (fleet: FleetStore) => Promise<number>;
}

/** A link change as a JSON line of the stream. */
export function linkJson(l: RemoteLink, now: number) {
  return { time: new Date(now).toISOString(), host: l.host, link: l.state, mode: l.mode, error: l.reason, retryInMs: l.retryAt === null ? null : Math.max(0, l.retryAt - now) };
}

/** Runs the --ssh modes; resolves with the exit code. */
export async function runSsh({ cfg, services, filter, interactive, rules, runDashboard }: SshRunOptions): Promise<number> {
  const agentCode = agentLoader();
  const query: Partial<Query> & { intervalMs: number } = { intervalMs: cfg.intervalMs, filterText: filter ? cfg.filterText : null, filter };
  const rows = listRows(cfg);
  const make = (dest: string, top: number) => new RemoteHost({
    target: { dest, command: cfg.sshCommand },
    query: { ...query, top },
    historySeconds: cfg.historySeconds,
    owners: cfg.owners,
    rules,
    trackAges: interactive,
    agentCode,
  });
  if (interactive) {
    const hosts = cfg.ssh.map((d) => make(d, DASHBOARD_TOP_ROWS));
    return runDashboard(new FleetStore(hosts));
  }

  const hosts = cfg.ssh.map((d) => make(d, tallyTop(rows)));
  const json = cfg.mode === 'json';
  let printed = 0;
  const emit = (s: Snapshot, host: RemoteHost): void => {
    if (json) {
      const l = s.remote ?? host.getLink();
      const obj = { ...toJson(s, host.host, services, rows), link: l.state, mode: l.mode, bytesPerSample: l.bytesPerSample };
      process.stdout.write(`${JSON.stringify(obj)}\n`);
    } else {
      if (printed > 0) process.stdout.write('\n');
      const width = Math.max(60, Math.min(process.stdout.columns || 100, 160));
      process.stdout.write(formatOnce(s, { host: `${host.host} (${s.remote?.mode ?? s.source})`, services, width, ascii: cfg.ascii, top: rows }));
    }
    printed++;
  };

  return new Promise<number>((resolve) => {
    let finished = false;
    let failed = false;
    const counts = new Map<RemoteHost, number>();
    const everConnected = new Set<RemoteHost>();
    const settled = new Set<RemoteHost>();
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      for (const h of hosts) h.close();
      resolve(code);
    };
    const check = () => {
      if (hosts.every((h) => settled.has(h))) finish(failed ? EXIT_RUNTIME : EXIT_OK);
    };
    for (const h of hosts) {
      counts.set(h, 0);
      h.subscribe((s) => {
        if (finished || settled.has(h) || s.remote?.state !== 'up') return;
        everConnected.add(h);
        emit(s, h);
        const n = counts.get(h)! + 1;
        counts.set(h, n);
        if (n >= cfg.count) {
          settled.add(h);
          h.close();
          check();
        }
      });
      h.onLink((l) => {
        if (finished || settled.has(h) || l.state !== 'down') return;
        // never reached in a one-sample mode, or the only host: that is the answer
        if (!everConnected.has(h) && (cfg.count === 1 || hosts.length === 1)) {
          process.stderr.write(`tcptally: ${l.host}: ${l.reason ?? 'cannot connect'}\n`);
          failed = true;
          settled.add(h);
          h.close();
          check();
          return;
        }
        if (json) process.stdout.write(`${JSON.stringify(linkJson(l, Date.now()))}\n`);
        else process.stderr.write(`tcptally: ${l.host}: down: ${l.reason ?? ''}\n`);
      });
    }
    process.once('SIGINT', () => finish(130));
    process.once('SIGTERM', () => finish(143));
    for (const h of hosts) h.start();
  });
}
