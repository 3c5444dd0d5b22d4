/**
 * The exporter against the kernel and a real Prometheus (Debian's prometheus package): tcptally --serve
 * on 127.0.93.1 over a static socket set on 127.0.93.2 (a listener, ESTABLISHED pairs, a CLOSE_WAIT
 * pile), a Prometheus of the test's own (its config and storage in a temp dir, 1 s scrapes) scraping
 * it. PromQL over Prometheus' HTTP API returns the state counts `ss` gives for the same filter; every
 * query of media/grafana-dashboard.json returns data; promtool accepts the scrape; concurrent scrapes
 * share one sample; a busy port is one line and exit 1; SIGTERM ends it with 0.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketFarm, type Host } from '../helpers/sockets.js';
import { suiteSkip } from '../helpers/tools.js';

/** This file's loopback addresses and ports (19300-19399). */
const EXP = '127.0.93.1';
const SOCK = '127.0.93.2' as Host;
const EXP_PORT = 19300;
const PROM_PORT = 19301;
const ONE_SAMPLE_PORT = 19302;
const BUSY_PORT = 19303;
const FILTER = `src ${SOCK} or dst ${SOCK}`;

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const DASHBOARD = fileURLToPath(new URL('../../../media/grafana-dashboard.json', import.meta.url));

/** ss's state names → node_exporter's label values (node_tcp_connection_states{state}). */
const SS_TO_NODE: Record<string, string> = {
  'ESTAB': 'established', 'SYN-SENT': 'syn_sent', 'SYN-RECV': 'syn_recv', 'FIN-WAIT-1': 'fin_wait1',
  'FIN-WAIT-2': 'fin_wait2', 'TIME-WAIT': 'time_wait', 'UNCONN': 'close', 'CLOSE-WAIT': 'close_wait',
  'LAST-ACK': 'last_ack', 'LISTEN': 'listen', 'CLOSING': 'closing',
};

/** ss's count of the sockets on SOCK, per node_exporter state label (all eleven, zeros included). */
function ssCounts(): Record<string, number> {
  const out = execFileSync('ss', ['-tanH', '(', 'src', SOCK, 'or', 'dst', SOCK, ')'], { encoding: 'utf8' });
  const counts: Record<string, number> = Object.fromEntries(Object.values(SS_TO_NODE).map((s) => [s, 0]));
  for (const line of out.split('\n')) {
    const st = line.trim().split(/\s+/)[0];
    if (!st) continue;
    assert.ok(st in SS_TO_NODE, `ss state ${st}`);
    counts[SS_TO_NODE[st]]++;
  }
  return counts;
}

interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[]): Spawned {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function stop(p: Spawned | null): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const ended = await Promise.race([p.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!ended) p.child.kill('SIGKILL');
}

/** Polls `fn` until it returns a value (not undefined) or `ms` passes. Bounded. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000, step = 250): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(step);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

async function scrape(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: r.status, body: await r.text() };
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function promql(query: string): Promise<Sample[]> {
  const url = `http://${EXP}:${PROM_PORT}/api/v1/query?query=${encodeURIComponent(query)}`;
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const j = (await r.json()) as { status: string; data?: { resultType: string; result: Sample[] }; error?: string };
  assert.equal(j.status, 'success', `${query}: ${j.error}`);
  return j.data!.result;
}

/** Grafana's variables in a panel's query, as Grafana would fill them in for this test's range. */
function fillVariables(expr: string): string {
  return expr.replaceAll('$__rate_interval', '10s').replaceAll('$instance', '.*');
}

describe('--serve with a real Prometheus', { skip: suiteSkip(['ss', 'prometheus', 'promtool'], 'a Prometheus scrapes tcptally') }, () => {
  const farm = new SocketFarm();
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-prom-'));
  let exporter: Spawned | null = null;
  let prom: Spawned | null = null;
  let port = 0;

  before(async () => {
    port = await farm.listen(SOCK);
    await farm.established(SOCK, port, 3);
    await farm.closeWait(SOCK, port, 4);
    // --top 1000: every ephemeral-port destination of the box is exported, ours among them
    exporter = start(process.execPath, [CLI, '--serve', `${EXP}:${EXP_PORT}`, '-i', '0.5', '--top', '1000', '-f', FILTER]);
    writeFileSync(join(dir, 'prometheus.yml'), `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: tcptally
    static_configs:
      - targets: ['${EXP}:${EXP_PORT}']
`);
    prom = start('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${EXP}:${PROM_PORT}`, '--log.level=warn',
    ]);
    await until('the exporter', async () => ((await scrape(`http://${EXP}:${EXP_PORT}/metrics`)).status === 200 ? true : undefined));
    await until('Prometheus ready', async () => ((await fetch(`http://${EXP}:${PROM_PORT}/-/ready`)).ok ? true : undefined));
  });

  after(async () => {
    await stop(prom);
    await stop(exporter);
    await farm.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test('PromQL: node_tcp_connection_states equals ss for the same filter, all eleven states', async () => {
    const ss = ssCounts();
    assert.deepEqual([ss.listen, ss.established, ss.close_wait, ss.fin_wait2], [1, 6, 4, 4], 'the static socket set');
    const got = await until('all eleven states scraped', async () => {
      const rows = await promql('node_tcp_connection_states{job="tcptally"}');
      if (rows.length !== 11) return undefined;
      return Object.fromEntries(rows.map((r) => [r.metric.state, Number(r.value[1])]));
    });
    assert.deepEqual(got, ssCounts());
    // per service port: the listener's port, direction in, by state
    const cw = await promql(`tcptally_port_connection_states{job="tcptally", port="${port}", direction="in"}`);
    const perPort = Object.fromEntries(cw.map((r) => [r.metric.state, Number(r.value[1])]));
    assert.deepEqual(perPort, { established: 3, close_wait: 4, listen: 1 });
    // the kernel's counters arrive as node_exporter names them
    const opens = await promql('node_netstat_Tcp_ActiveOpens{job="tcptally"}');
    assert.equal(opens.length, 1);
    assert.ok(Number(opens[0].value[1]) >= 7, `ActiveOpens ${opens[0].value[1]}: at least our 7 connects`);
    // the ephemeral range's size, from the sysctls as sysctl(8) reads them (no reserved ports here)
    const [lo, hi] = execFileSync('sysctl', ['-n', 'net.ipv4.ip_local_port_range'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const reserved = execFileSync('sysctl', ['-n', 'net.ipv4.ip_local_reserved_ports'], { encoding: 'utf8' }).trim();
    assert.equal(reserved, '', 'the size below assumes no reserved ports');
    const size = await promql('tcptally_ephemeral_ports{job="tcptally"}');
    assert.deepEqual(size.map((r) => Number(r.value[1])), [hi - lo + 1]);
    // our 7 clients' local ports towards the listener (headroom is box-wide: the filter does not apply)
    const used = await promql(`tcptally_ephemeral_ports_used{job="tcptally", remote="${SOCK}", port="${port}"}`);
    assert.equal(used.reduce((n, r) => n + Number(r.value[1]), 0), 7, JSON.stringify(used));
  });

  test('every query of media/grafana-dashboard.json returns data', async () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    // rate() needs two scrapes in its window
    await sleep(2500);
    let queries = 0;
    for (const panel of dash.panels) {
      for (const target of panel.targets) {
        const expr = fillVariables(target.expr);
        assert.doesNotMatch(expr, /\$/, `${panel.title}: a variable left in ${expr}`);
        const rows = await until(`${panel.title}: ${expr}`, async () => {
          const r = await promql(expr);
          return r.length > 0 ? r : undefined;
        });
        assert.ok(rows.length > 0);
        queries++;
      }
    }
    assert.ok(queries >= 10, `${queries} queries returned data`);
  });

  test('promtool check metrics on a scrape: it parses; lint findings only on node_exporter\'s netstat names', async () => {
    const { body } = await scrape(`http://${EXP}:${EXP_PORT}/metrics`);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(r.status, 3, `3: lint findings only, no parse error: ${r.stdout}${r.stderr}`);
    const findings = (r.stdout + r.stderr).trim().split('\n');
    assert.ok(findings.length > 0);
    for (const f of findings) {
      assert.match(f, /^node_netstat_Tcp(Ext)?_[A-Za-z]+ (metric names should be written in 'snake_case' not 'camelCase'|counter metrics should have "_total" suffix)$/);
    }
    const ours = body.split('\n\n').filter((family) => !family.includes('node_netstat_')).join('\n\n');
    const clean = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  });

  test('paths and methods: /metrics only (404 elsewhere), GET and HEAD only (405)', async () => {
    assert.equal((await scrape(`http://${EXP}:${EXP_PORT}/`)).status, 404);
    assert.equal((await scrape(`http://${EXP}:${EXP_PORT}/metricsx`)).status, 404);
    const post = await fetch(`http://${EXP}:${EXP_PORT}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`http://${EXP}:${EXP_PORT}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  });

  test('SIGTERM: exit 0, the server closed; stderr only the line saying where it served', async () => {
    exporter!.child.kill('SIGTERM');
    const code = await Promise.race([exporter!.exited, sleep(10_000).then(() => 'hung')]);
    assert.equal(code, 0, exporter!.stderr());
    assert.equal(exporter!.stderr(), `tcptally: serving http://${EXP}:${EXP_PORT}/metrics\n`);
    await assert.rejects(fetch(`http://${EXP}:${EXP_PORT}/metrics`, { signal: AbortSignal.timeout(2000) }));
  });
});

describe('--serve: samples on its own interval, not per scrape', { skip: suiteSkip(['ss'], 'loopback') }, () => {
  let exporter: Spawned | null = null;
  after(() => stop(exporter));

  test('50 concurrent scrapes over IPv6 of an exporter sampling every 60 s: one sample, one body', async () => {
    exporter = start(process.execPath, [CLI, '--serve', `[::1]:${ONE_SAMPLE_PORT}`, '-i', '60', '-f', FILTER]);
    const url = `http://[::1]:${ONE_SAMPLE_PORT}/metrics`;
    await until('the exporter', async () => ((await scrape(url)).status === 200 ? true : undefined));
    const bodies = await Promise.all(Array.from({ length: 50 }, () => scrape(url)));
    assert.ok(bodies.every((b) => b.status === 200));
    assert.match(bodies[0].body, /^tcptally_samples_total 1$/m);
    assert.equal(new Set(bodies.map((b) => b.body)).size, 1, 'every scrape got the same text: rendered once');
  });
});

describe('--serve: cannot listen', () => {
  test('a port in use: one line, exit 1', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(BUSY_PORT, EXP, () => resolve()));
    try {
      const r = spawnSync(process.execPath, [CLI, '--serve', `${EXP}:${BUSY_PORT}`], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, `tcptally: cannot listen on ${EXP}:${BUSY_PORT}: address in use\n`);
      assert.equal(r.stdout, '');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  test('an address not on this host: one line, exit 1', () => {
    const r = spawnSync(process.execPath, [CLI, '--serve', `192.0.2.1:${BUSY_PORT}`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `tcptally: cannot listen on 192.0.2.1:${BUSY_PORT}: no such address on this host\n`);
  });

  test('a bad address: usage error, exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, '--serve', ':9100'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'tcptally: --serve needs an address before ":" (0.0.0.0:9100 for every interface), got ":9100" (try tcptally --help)\n');
  });
});
