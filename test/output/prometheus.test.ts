import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { TCP } from '../../src/model/states.js';
import type { SocketRecord } from '../../src/model/table.js';
import type { PortRow } from '../../src/model/tally.js';
import { portSeries, renderMetrics, type ExpositionInput } from '../../src/output/prometheus.js';
import { snapshotOf } from '../helpers/snapshot.js';
import { requireTool } from '../helpers/tools.js';

const S: SocketRecord[] = [
  { family: 4, state: TCP.LISTEN, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0 },
  { family: 4, state: TCP.CLOSE_WAIT, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001 },
  { family: 4, state: TCP.CLOSE_WAIT, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.8', rport: 40002 },
  { family: 4, state: TCP.ESTABLISHED, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40003 },
  { family: 4, state: TCP.TIME_WAIT, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: TCP.TIME_WAIT, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: TCP.CLOSE_WAIT, laddr: '10.0.0.1', lport: 50002, raddr: '10.0.0.9', rport: 6379 },
  { family: 6, state: TCP.ESTABLISHED, laddr: '::1', lport: 51000, raddr: '::1', rport: 443 },
];

function input(extra: Partial<ExpositionInput> = {}): ExpositionInput {
  const snapshot = snapshotOf(S, {
    seq: 42, skippedTicks: 3, sampleMs: 1.5, filter: `comm 'a"b'`,
    counters: {
      'Tcp.ActiveOpens': 47, 'Tcp.CurrEstab': 2, 'TcpExt.ListenOverflows': 3, 'TcpExt.TW': 9,
      'sockstat.TCP.tw': 2, 'sockstat.TCP.mem': 5, 'sockstat6.TCP6.inuse': 1,
    },
  });
  return {
    snapshot, topPorts: 1, version: '0.1.0', pageSize: 4096,
    process: { cpuSeconds: 0.25, residentBytes: 1048576, startTimeSeconds: 1795521000 },
    ...extra,
  };
}

test('exposition of a snapshot: node_exporter names and HELP, our ports cut to the top per state, escaping', async () => {
  const text = await renderMetrics(input());
  assert.equal(text, `# HELP node_tcp_connection_states Number of connection states.
# TYPE node_tcp_connection_states gauge
node_tcp_connection_states{state="established"} 2
node_tcp_connection_states{state="syn_sent"} 0
node_tcp_connection_states{state="syn_recv"} 0
node_tcp_connection_states{state="fin_wait1"} 0
node_tcp_connection_states{state="fin_wait2"} 0
node_tcp_connection_states{state="time_wait"} 2
node_tcp_connection_states{state="close"} 0
node_tcp_connection_states{state="close_wait"} 3
node_tcp_connection_states{state="last_ack"} 0
node_tcp_connection_states{state="listen"} 1
node_tcp_connection_states{state="closing"} 0

# HELP node_sockstat_TCP_tw Number of TCP sockets in state tw.
# TYPE node_sockstat_TCP_tw gauge
node_sockstat_TCP_tw 2

# HELP node_sockstat_TCP_mem Number of TCP sockets in state mem.
# TYPE node_sockstat_TCP_mem gauge
node_sockstat_TCP_mem 5

# HELP node_sockstat_TCP_mem_bytes Number of TCP sockets in state mem_bytes.
# TYPE node_sockstat_TCP_mem_bytes gauge
node_sockstat_TCP_mem_bytes 20480

# HELP node_sockstat_TCP6_inuse Number of TCP6 sockets in state inuse.
# TYPE node_sockstat_TCP6_inuse gauge
node_sockstat_TCP6_inuse 1

# HELP node_netstat_Tcp_ActiveOpens Statistic TcpActiveOpens.
# TYPE node_netstat_Tcp_ActiveOpens counter
node_netstat_Tcp_ActiveOpens 47

# HELP node_netstat_Tcp_CurrEstab Statistic TcpCurrEstab.
# TYPE node_netstat_Tcp_CurrEstab gauge
node_netstat_Tcp_CurrEstab 2

# HELP node_netstat_TcpExt_ListenOverflows Statistic TcpExtListenOverflows.
# TYPE node_netstat_TcpExt_ListenOverflows counter
node_netstat_TcpExt_ListenOverflows 3

# HELP tcptally_port_connection_states Sockets per service port (direction in: a local LISTEN port; out: the remote port) and state; per state only the ports with the most sockets in it (--top).
# TYPE tcptally_port_connection_states gauge
tcptally_port_connection_states{port="80",direction="in",state="established"} 1
tcptally_port_connection_states{port="5432",direction="out",state="time_wait"} 2
tcptally_port_connection_states{port="80",direction="in",state="close_wait"} 2
tcptally_port_connection_states{port="80",direction="in",state="listen"} 1

# HELP tcptally_ports Service ports with sockets (tcptally_port_connection_states has the top of them per state).
# TYPE tcptally_ports gauge
tcptally_ports 4

# HELP tcptally_sockets_read TCP sockets read in the last sample, before the filter.
# TYPE tcptally_sockets_read gauge
tcptally_sockets_read 8

# HELP tcptally_sample_duration_seconds Wall time of the last sample: read, tally and counters.
# TYPE tcptally_sample_duration_seconds gauge
tcptally_sample_duration_seconds 0.0015

# HELP tcptally_last_sample_timestamp_seconds When the last sample started, in seconds since the epoch.
# TYPE tcptally_last_sample_timestamp_seconds gauge
tcptally_last_sample_timestamp_seconds 1795521600

# HELP tcptally_samples_total Samples taken since the start.
# TYPE tcptally_samples_total counter
tcptally_samples_total 42

# HELP tcptally_skipped_ticks_total Ticks skipped because a sample took longer than the interval.
# TYPE tcptally_skipped_ticks_total counter
tcptally_skipped_ticks_total 3

# HELP tcptally_info The exporter: its version, the source it reads and the filter it counts with (empty: none).
# TYPE tcptally_info gauge
tcptally_info{version="0.1.0",source="netlink",filter="comm 'a\\"b'"} 1

# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 0.25

# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1048576

# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1795521000
`);
});

test('listeners and headroom, when the snapshot carries them: our namespace only, unknown values left out', async () => {
  const text = await renderMetrics(input({
    listeners: [
      { address: '0.0.0.0', port: 80, acceptQueue: 0, backlog: 511, synRecv: 0, netns: 0 },
      { address: '::', port: 8080, acceptQueue: 3, backlog: null, synRecv: 1, netns: 0 },
      { address: '0.0.0.0', port: 80, acceptQueue: 9, backlog: 9, synRecv: 9, netns: 1 },
    ],
    headroom: { size: 28232, rows: [{ local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 2 }] },
  }));
  const from = text.indexOf('# HELP tcptally_listener_queue');
  const to = text.indexOf('# HELP tcptally_sample_duration_seconds');
  assert.equal(text.slice(from, to), `# HELP tcptally_listener_queue Connections waiting in a listener's accept queue.
# TYPE tcptally_listener_queue gauge
tcptally_listener_queue{address="0.0.0.0",port="80"} 0
tcptally_listener_queue{address="::",port="8080"} 3

# HELP tcptally_listener_backlog A listener's backlog: the accept queue holds backlog + 1 connections at most.
# TYPE tcptally_listener_backlog gauge
tcptally_listener_backlog{address="0.0.0.0",port="80"} 511

# HELP tcptally_listener_syn_recv Half-open connections (SYN_RECV) on a listener.
# TYPE tcptally_listener_syn_recv gauge
tcptally_listener_syn_recv{address="0.0.0.0",port="80"} 0
tcptally_listener_syn_recv{address="::",port="8080"} 1

# HELP tcptally_ephemeral_ports Local ports connect() picks from (ip_local_port_range less reserved ports).
# TYPE tcptally_ephemeral_ports gauge
tcptally_ephemeral_ports 28232

# HELP tcptally_ephemeral_ports_used Local ports in use towards one destination (remote address and port) from one local address.
# TYPE tcptally_ephemeral_ports_used gauge
tcptally_ephemeral_ports_used{local="10.0.0.1",remote="10.0.0.9",port="5432"} 2

`);
  assert.equal((await renderMetrics(input())).includes('tcptally_listener'), false, 'no listeners in the snapshot: no listener metrics');
});

test('no page size, no process stats, no counters (systeminformation): those families are left out', async () => {
  const base = input();
  const text = await renderMetrics({ ...base, pageSize: null, process: null, snapshot: { ...base.snapshot, counters: {} } });
  for (const name of ['node_sockstat_', 'node_netstat_', 'process_']) assert.equal(text.includes(name), false, name);
  assert.match(text, /^node_tcp_connection_states\{state="close_wait"\} 3$/m);
});

test('--top 0: no per-port series', async () => {
  const text = await renderMetrics(input({ topPorts: 0 }));
  assert.equal(/^tcptally_port_connection_states\{/m.test(text), false);
});

const portRow = fc.record({
  port: fc.integer({ min: 1, max: 40 }),
  direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
  states: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 12, maxLength: 12 }).map((a) => [0, ...a.slice(1)]),
});

test('portSeries: per state at most n series, none of a zero count, and no port left out has more than one kept', () => {
  fc.assert(fc.property(fc.uniqueArray(portRow, { selector: (r) => `${r.port}/${r.direction}` }), fc.integer({ min: 0, max: 6 }), (rows, n) => {
    const ports: PortRow[] = rows.map((r) => ({ ...r, total: r.states.reduce((a, b) => a + b, 0) }));
    const series = portSeries(ports, n);
    for (let st = 1; st <= 11; st++) {
      const kept = series.filter((s) => s.state === st);
      const nonzero = ports.filter((p) => p.states[st] > 0);
      assert.equal(kept.length, Math.min(n, nonzero.length));
      for (const k of kept) assert.equal(k.value, ports.find((p) => p.port === k.port && p.direction === k.direction)!.states[st]);
      const least = Math.min(...kept.map((k) => k.value));
      for (const p of nonzero) {
        if (!kept.some((k) => k.port === p.port && k.direction === p.direction)) assert.ok(p.states[st] <= least, `state ${st}: :${p.port} ${p.direction} (${p.states[st]}) left out, ${least} kept`);
      }
    }
  }));
});

test('promtool check metrics: no format error; its only lint findings are on node_exporter\'s netstat names', async (t) => {
  if (!requireTool(t, 'promtool', 'checks our exposition')) return;
  const text = await renderMetrics(input({
    listeners: [{ address: '::', port: 8080, acceptQueue: 3, backlog: 4, synRecv: 1, netns: 0 }],
    headroom: { size: 28232, rows: [{ local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 2 }] },
  }));
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  // 3: lint findings only (1 would be a text that does not parse)
  assert.equal(r.status, 3, r.stdout + r.stderr);
  const findings = (r.stdout + r.stderr).trim().split('\n');
  assert.deepEqual(findings.sort(), [
    'node_netstat_TcpExt_ListenOverflows counter metrics should have "_total" suffix',
    'node_netstat_TcpExt_ListenOverflows metric names should be written in \'snake_case\' not \'camelCase\'',
    'node_netstat_Tcp_ActiveOpens counter metrics should have "_total" suffix',
    'node_netstat_Tcp_ActiveOpens metric names should be written in \'snake_case\' not \'camelCase\'',
    'node_netstat_Tcp_CurrEstab metric names should be written in \'snake_case\' not \'camelCase\'',
  ]);
  const ours = text.split('\n\n').filter((family) => !family.includes('node_netstat_')).join('\n\n');
  const clean = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
});
