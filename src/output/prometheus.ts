/**
 * The Prometheus face: one snapshot → the text exposition format (version 0.0.4), through prom-client.
 *
 * Pure as far as prom-client allows: every call builds a fresh Registry from its input alone, so the
 * same input always renders the same text, and nothing is kept between samples (the kernel's counters
 * are absolute: a prom-client Counter is set by inc() from zero).
 *
 * Names: where node_exporter exports the same thing, its name, labels and HELP, so its dashboards and
 * alerts work unchanged (node_tcp_connection_states, node_sockstat_TCP_*, node_netstat_Tcp_*,
 * node_netstat_TcpExt_*); what only tcptally knows is under tcptally_. The node_netstat_ names keep the
 * kernel's field names (ActiveOpens): promtool's linter calls them camelCase, and the monotonic ones,
 * typed counter, lack "_total"; that is node_exporter's naming, kept on purpose (README, Exporter).
 *
 * Cardinality: tcptally_port_connection_states has at most `topPorts` series per state (11 × topPorts);
 * listener and headroom rows are as many as the snapshot carries (the sampler's top).
 */

import { Counter, Gauge, Registry } from 'prom-client';
import { STATE_NAMES, STATE_SLOTS } from '../model/states.js';
import type { PortRow } from '../model/tally.js';
import type { Snapshot } from '../store/store.js';

export const CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** node_exporter's label values of node_tcp_connection_states, by state code (index 0 unused). */
export const NODE_STATE_LABELS: readonly string[] = ['', ...STATE_NAMES.map((n) => n.toLowerCase())];

/** The exporter process itself (the standard process_ metrics of client libraries). */
export interface ProcessStats {
  cpuSeconds: number;
  residentBytes: number;
  startTimeSeconds: number;
}

/** The fields of Snapshot.listeners and Snapshot.headroom the exposition uses (tests build them by hand). */
export interface ListenerLike {
  address: string;
  port: number;
  acceptQueue: number | null;
  backlog: number | null;
  synRecv: number;
  /** The row's network namespace index (0 = ours). */
  netns: number;
}

export interface HeadroomLike {
  /** Ports connect() picks from. */
  size: number;
  rows: { local: string; remote: string; port: number; used: number }[];
}

export interface ExpositionInput {
  snapshot: Snapshot;
  /** Service ports exported per state: the ones with the most sockets in it. */
  topPorts: number;
  version: string;
  /** Bytes per page, for node_sockstat_TCP_mem_bytes (null: not known, the metric is left out). */
  pageSize: number | null;
  process: ProcessStats | null;
  /** The snapshot's listeners (null or absent: not listed, no metrics). */
  listeners?: readonly ListenerLike[] | null;
  /** The snapshot's ephemeral-port headroom (null or absent: no metrics). */
  headroom?: HeadroomLike | null;
}

/** /proc/net/snmp and /proc/net/netstat fields exported (node_exporter's default TCP set, and two more). */
export const NETSTAT_FIELDS: readonly { key: string; kind: 'counter' | 'gauge' }[] = [
  { key: 'Tcp.ActiveOpens', kind: 'counter' },
  { key: 'Tcp.PassiveOpens', kind: 'counter' },
  { key: 'Tcp.AttemptFails', kind: 'counter' },
  { key: 'Tcp.EstabResets', kind: 'counter' },
  { key: 'Tcp.CurrEstab', kind: 'gauge' },
  { key: 'Tcp.InSegs', kind: 'counter' },
  { key: 'Tcp.OutSegs', kind: 'counter' },
  { key: 'Tcp.RetransSegs', kind: 'counter' },
  { key: 'Tcp.InErrs', kind: 'counter' },
  { key: 'Tcp.OutRsts', kind: 'counter' },
  { key: 'TcpExt.ListenOverflows', kind: 'counter' },
  { key: 'TcpExt.ListenDrops', kind: 'counter' },
  { key: 'TcpExt.SyncookiesSent', kind: 'counter' },
  { key: 'TcpExt.SyncookiesRecv', kind: 'counter' },
  { key: 'TcpExt.SyncookiesFailed', kind: 'counter' },
  { key: 'TcpExt.TCPSynRetrans', kind: 'counter' },
];

/** /proc/net/sockstat{,6} fields exported (node_exporter's names: node_sockstat_<PROTO>_<field>). */
const SOCKSTAT_FIELDS: readonly { key: string; proto: 'TCP' | 'TCP6'; field: string }[] = [
  { key: 'sockstat.TCP.inuse', proto: 'TCP', field: 'inuse' },
  { key: 'sockstat.TCP.orphan', proto: 'TCP', field: 'orphan' },
  { key: 'sockstat.TCP.tw', proto: 'TCP', field: 'tw' },
  { key: 'sockstat.TCP.alloc', proto: 'TCP', field: 'alloc' },
  { key: 'sockstat.TCP.mem', proto: 'TCP', field: 'mem' },
  { key: 'sockstat6.TCP6.inuse', proto: 'TCP6', field: 'inuse' },
];

/** Room for a port and a direction bit in a ranking key. */
const KEY_SPAN = 2 ** 18;

export interface PortSeries {
  port: number;
  direction: 'in' | 'out';
  state: number;
  value: number;
}

/**
 * Per state, the `n` service ports with the most sockets in it (ties: lower port, then in before out);
 * a port with none in a state has no series for it. State by state (kernel order), most first.
 */
export function portSeries(ports: readonly PortRow[], n: number): PortSeries[] {
  const out: PortSeries[] = [];
  if (n <= 0) return out;
  // a busy box has thousands of port rows: each state's top n come from one pass with a min-heap of n
  // ranking keys, count × 2^18 + (2^18 − 1 − port × 2 − out): more sockets, then the lower port, then in
  const heap = new Float64Array(n);
  for (let st = 1; st < STATE_SLOTS; st++) {
    let m = 0;
    for (const p of ports) {
      const v = p.states[st];
      if (v <= 0) continue;
      const key = v * KEY_SPAN + (KEY_SPAN - 1 - (p.port * 2 + (p.direction === 'out' ? 1 : 0)));
      if (m < n) heapPush(heap, m++, key);
      else if (key > heap[0]) heapReplaceMin(heap, m, key);
    }
    const ranked = heap.slice(0, m).sort();
    for (let i = m - 1; i >= 0; i--) {
      const v = Math.floor(ranked[i] / KEY_SPAN);
      const key = KEY_SPAN - 1 - (ranked[i] - v * KEY_SPAN);
      out.push({ port: key >> 1, direction: key & 1 ? 'out' : 'in', state: st, value: v });
    }
  }
  return out;
}

/** Adds `key` to the min-heap heap[0..m). */
function heapPush(heap: Float64Array, m: number, key: number): void {
  let i = m;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= key) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = key;
}

/** Replaces the smallest key of the min-heap heap[0..m) by `key`. */
function heapReplaceMin(heap: Float64Array, m: number, key: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= m) break;
    const c = l + 1 < m && heap[l + 1] < heap[l] ? l + 1 : l;
    if (heap[c] >= key) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = key;
}

/** The exposition of one snapshot. */
export async function renderMetrics(input: ExpositionInput): Promise<string> {
  const { snapshot: s, process: proc } = input;
  const registers = [new Registry()];
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string) => new Counter({ name, help, registers });

  const states = gauge('node_tcp_connection_states', 'Number of connection states.', ['state']);
  for (let st = 1; st < STATE_SLOTS; st++) states.set({ state: NODE_STATE_LABELS[st] }, s.tally.states[st]);

  const c = s.counters;
  for (const f of SOCKSTAT_FIELDS) {
    if (!(f.key in c)) continue;
    gauge(`node_sockstat_${f.proto}_${f.field}`, `Number of ${f.proto} sockets in state ${f.field}.`).set(c[f.key]);
    if (f.field === 'mem' && input.pageSize !== null) {
      gauge(`node_sockstat_${f.proto}_mem_bytes`, `Number of ${f.proto} sockets in state mem_bytes.`).set(c[f.key] * input.pageSize);
    }
  }
  for (const f of NETSTAT_FIELDS) {
    if (!(f.key in c)) continue;
    const [proto, field] = f.key.split('.');
    const name = `node_netstat_${proto}_${field}`;
    const help = `Statistic ${proto}${field}.`;
    if (f.kind === 'gauge') gauge(name, help).set(c[f.key]);
    else counter(name, help).inc(Math.max(0, c[f.key]));
  }

  const ports = gauge(
    'tcptally_port_connection_states',
    'Sockets per service port (direction in: a local LISTEN port; out: the remote port) and state; per state only the ports with the most sockets in it (--top).',
    ['port', 'direction', 'state'],
  );
  for (const p of portSeries(s.tally.ports, input.topPorts)) {
    ports.set({ port: String(p.port), direction: p.direction, state: NODE_STATE_LABELS[p.state] }, p.value);
  }
  gauge('tcptally_ports', 'Service ports with sockets (tcptally_port_connection_states has the top of them per state).').set(s.tally.portCount);
  gauge('tcptally_sockets_read', 'TCP sockets read in the last sample, before the filter.').set(s.tally.scanned);

  listenerMetrics(gauge, input.listeners ?? null);
  headroomMetrics(gauge, input.headroom ?? null);

  gauge('tcptally_sample_duration_seconds', 'Wall time of the last sample: read, tally and counters.').set(s.sampleMs / 1000);
  gauge('tcptally_last_sample_timestamp_seconds', 'When the last sample started, in seconds since the epoch.').set(s.time / 1000);
  counter('tcptally_samples_total', 'Samples taken since the start.').inc(s.seq);
  counter('tcptally_skipped_ticks_total', 'Ticks skipped because a sample took longer than the interval.').inc(s.skippedTicks);
  gauge('tcptally_info', 'The exporter: its version, the source it reads and the filter it counts with (empty: none).', ['version', 'source', 'filter'])
    .set({ version: input.version, source: s.source, filter: s.filter ?? '' }, 1);

  if (proc) {
    counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.').inc(proc.cpuSeconds);
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.').set(proc.residentBytes);
    gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.').set(proc.startTimeSeconds);
  }
  return registers[0].metrics();
}

type GaugeMaker = (name: string, help: string, labelNames?: string[]) => Gauge;

/**
 * Listener queues (Snapshot.listeners): our namespace's listeners, each by
 * address and port. A queue or backlog the source cannot tell (/proc has no backlog) is left out.
 */
export function listenerMetrics(gauge: GaugeMaker, rows: readonly ListenerLike[] | null): void {
  if (!rows) return;
  const labels = ['address', 'port'];
  const queue = gauge('tcptally_listener_queue', 'Connections waiting in a listener\'s accept queue.', labels);
  const backlog = gauge('tcptally_listener_backlog', 'A listener\'s backlog: the accept queue holds backlog + 1 connections at most.', labels);
  const syn = gauge('tcptally_listener_syn_recv', 'Half-open connections (SYN_RECV) on a listener.', labels);
  for (const r of rows) {
    if (r.netns !== 0) continue;
    const l = { address: r.address, port: String(r.port) };
    if (r.acceptQueue !== null) queue.set(l, r.acceptQueue);
    if (r.backlog !== null) backlog.set(l, r.backlog);
    syn.set(l, r.synRecv);
  }
}

/** Ephemeral-port headroom (the headroom work adds it to snapshots): the fullest destinations. */
export function headroomMetrics(gauge: GaugeMaker, h: HeadroomLike | null): void {
  if (!h) return;
  gauge('tcptally_ephemeral_ports', 'Local ports connect() picks from (ip_local_port_range less reserved ports).').set(h.size);
  const used = gauge('tcptally_ephemeral_ports_used', 'Local ports in use towards one destination (remote address and port) from one local address.', ['local', 'remote', 'port']);
  for (const r of h.rows) used.set({ local: r.local, remote: r.remote, port: String(r.port) }, r.used);
}
