/**
 * src/model/recording.ts: the recording format, with literal expected lines (written by hand from the
 * format's rules, not from the encoder): what is dropped, what is compacted, what is carried; decoding
 * restores the Snapshot; a cut file keeps its whole lines.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countersOfLine, decodeHeader, decodeSample, encodeHeader, encodeSample, indexRecording, quickIndex, RecordingError, splitRecording,
} from '../../src/model/recording.js';
import type { SocketRecord } from '../../src/model/table.js';
import type { Snapshot } from '../../src/store/store.js';
import { snapshotOf } from '../helpers/snapshot.js';

const E = 1, TW = 6, L = 10;
const RECORDS: SocketRecord[] = [
  { family: 4, state: L, laddr: '10.0.0.1', lport: 80, raddr: '0.0.0.0', rport: 0 },
  { family: 4, state: E, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40000 },
  { family: 4, state: E, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001 },
  { family: 4, state: TW, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
];
const T0 = Date.UTC(2026, 10, 26, 7, 41, 3);

function snap(extra: Partial<Snapshot> = {}): Snapshot {
  return snapshotOf(RECORDS, {
    seq: 7, viewVersion: 2, time: T0, sampleMs: 1.23456, readMs: 1, tallyMs: 0.23456,
    deltas: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], rates: { 'Tcp.ActiveOpens': 3 },
    counters: { 'Tcp.ActiveOpens': 47, 'TcpExt.ListenDrops': 0 },
    ...extra,
  });
}

// the tally's lists: ports by total (80/in 3 sockets, 5432/out 1), peers and host:port rows
const LINE = '{"time":1795678863000,"tally":{"states":[0,2,0,0,0,0,1,0,0,0,1],"scanned":4,"families":{"v4":4,"v6":0},' +
  '"ports":[{"states":[0,2,0,0,0,0,0,0,0,0,1],"port":80,"direction":"in"},{"states":[0,0,0,0,0,0,1],"port":5432,"direction":"out"}],"portCount":2,' +
  '"peers":[{"states":[0,2],"address":"10.0.0.7"},{"states":[0,0,0,0,0,0,1],"address":"10.0.0.9"}],"peerCount":2,' +
  '"peerPorts":[{"states":[0,1],"address":"10.0.0.7","port":40000},{"states":[0,1],"address":"10.0.0.7","port":40001},{"states":[0,0,0,0,0,0,1],"address":"10.0.0.9","port":5432}],"peerPortCount":3,' +
  '"processes":[],"processCount":0,"ownership":null,"namespaces":[]},' +
  '"source":"netlink","sourceSlow":false,"intervalMs":1000,"effectiveIntervalMs":1000,"sampleMs":1.235,"readMs":1,"tallyMs":0.235,' +
  '"stale":false,"skippedTicks":0,"filter":null,"sortBy":"total","ascending":false,' +
  '"counters":{"Tcp.ActiveOpens":47,"TcpExt.ListenDrops":0},"read":{"rows":4,"duplicates":0,"malformed":0},' +
  '"agesSince":null,"attribution":null,"processInfo":{},"namespaces":null,' +
  // the fields of the listeners, alerts and headroom work, carried as they are
  '"listeners":[{"family":4,"address":"10.0.0.1","port":80,"acceptQueue":0,"backlog":0,"synRecv":0,"fill":0,"inode":0,"netns":0}],' +
  '"listenerCount":1,"conntrack":null,"alerts":{"firing":[],"log":[]},"headroom":null}';

test('a sample line: time and states first, seq/viewVersion/trend/deltas/rates dropped, totals dropped, states without trailing zeros, timings to 3 decimals', () => {
  assert.equal(encodeSample(snap()), LINE);
});

test('decoding restores the Snapshot minus what replay recomputes', () => {
  const s = snap();
  const { seq: _a, viewVersion: _b, trend: _c, deltas: _d, rates: _e, ...kept } = s;
  const d = decodeSample(LINE);
  // (a field that is undefined, like the tally's focusPort without a drill-down, is not written)
  assert.deepEqual(d, JSON.parse(JSON.stringify({ ...kept, sampleMs: 1.235, tallyMs: 0.235 })));
  assert.equal(d.tally.total, 4);
  assert.deepEqual(d.tally.ports[0].states, [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(d.tally.ports[0].total, 3);
});

test('a field the format does not know (another module added it to Snapshot) is carried through', () => {
  const alerts = [{ rule: 'CLOSE_WAIT > 100', level: 'warning', value: 140 }];
  const s = snap({ alerts, headroom: { ports: 0.8 } } as unknown as Partial<Snapshot>);
  const line = encodeSample(s);
  assert.ok(line.endsWith(',"alerts":[{"rule":"CLOSE_WAIT > 100","level":"warning","value":140}],"headroom":{"ports":0.8}}'), line.slice(-120));
  const d = decodeSample(line) as unknown as Record<string, unknown>;
  assert.deepEqual(d.alerts, alerts);
  assert.deepEqual(d.headroom, { ports: 0.8 });
});

test('a total that is not the sum of its states is kept', () => {
  const s = snap();
  s.tally.ports[1] = { ...s.tally.ports[1], total: 9 };
  const line = encodeSample(s);
  assert.ok(line.includes('{"states":[0,0,0,0,0,0,1],"total":9,"port":5432,"direction":"out"}'), line);
  assert.equal(decodeSample(line).tally.ports[1].total, 9);
});

test('the lists are cut to top rows; the counts keep the full length', () => {
  const line = encodeSample(snap(), 1);
  assert.ok(line.includes('"ports":[{"states":[0,2,0,0,0,0,0,0,0,0,1],"port":80,"direction":"in"}],"portCount":2,'), line);
  assert.ok(line.includes('"peerPorts":[{"states":[0,1],"address":"10.0.0.7","port":40000}],"peerPortCount":3,'), line);
});

test('counters: with the previous line\'s counters only the changed ones (null: gone), restored on decoding', () => {
  const prev = { 'Tcp.ActiveOpens': 40, 'TcpExt.ListenDrops': 0, 'Tcp.Gone': 5 };
  const line = encodeSample(snap(), 200, prev);
  assert.ok(line.includes(',"countersChanged":{"Tcp.ActiveOpens":47,"Tcp.Gone":null},"read":'), line);
  assert.ok(!line.includes('"counters":'));
  assert.deepEqual(decodeSample(line, prev).counters, { 'Tcp.ActiveOpens': 47, 'TcpExt.ListenDrops': 0 });
  assert.throws(() => decodeSample(line), RecordingError);
  // the counters alone, without decoding the line (the replay's walk back to a line with all of them)
  assert.deepEqual(countersOfLine(line, prev), { 'Tcp.ActiveOpens': 47, 'TcpExt.ListenDrops': 0 });
  assert.deepEqual(countersOfLine(LINE, null), { 'Tcp.ActiveOpens': 47, 'TcpExt.ListenDrops': 0 });
});

test('the alerts log: left out when it equals the line before\'s, restored on decoding', () => {
  const log = [{ time: T0, kind: 'fired', rule: 'tw > 1', label: 'TIME_WAIT', level: 'warning', value: 1, op: '>', threshold: 1, unit: '' }];
  const s = snap({ alerts: { firing: [], log } } as unknown as Partial<Snapshot>);
  const same = encodeSample(s, 200, null, JSON.stringify(log));
  assert.ok(same.includes(',"alerts":{"firing":[]},"alertsLogSame":true,'), same.slice(-120));
  assert.deepEqual((decodeSample(same, null, log) as unknown as { alerts: unknown }).alerts, { firing: [], log });
  assert.throws(() => decodeSample(same), /an alerts log "as before" without the log before it/);
  // a different log (or none before) is written whole
  const changed = encodeSample(s, 200, null, '[]');
  assert.ok(changed.includes(',"alerts":{"firing":[],"log":[{"time":1795678863000,"kind":"fired","rule":"tw > 1","label":"TIME_WAIT","level":"warning","value":1,"op":">","threshold":1,"unit":""}]},'), changed.slice(-220));
  assert.equal(encodeSample(s), changed);
});

test('the header line, and what is not one', () => {
  const h = encodeHeader({ version: '0.1.0', host: 'db1', kernel: 'Linux 6.18.0', start: '2026-11-26T07:41:03.000Z', top: 200 });
  assert.equal(h, '{"tcptally":"recording","format":1,"version":"0.1.0","host":"db1","kernel":"Linux 6.18.0","start":"2026-11-26T07:41:03.000Z","top":200}');
  assert.equal(decodeHeader(h).host, 'db1');
  assert.throws(() => decodeHeader('{"time":1}'), /not a tcptally recording/);
  assert.throws(() => decodeHeader('hello'), /not a tcptally recording/);
  assert.throws(() => decodeHeader('{"tcptally":"recording","format":2}'), /recording format 2 is not supported \(this tcptally reads format 1\)/);
});

const HEADER = '{"tcptally":"recording","format":1,"version":"0.1.0","host":"db1","kernel":"Linux","start":"2026-11-26T07:41:03.000Z","top":200}';

test('a file cut short: the half-written last line is left out and said', () => {
  const text = `${HEADER}\n${LINE}\n${LINE.replace('1795678863000', '1795678864000')}\n${LINE.slice(0, 150)}`;
  const r = splitRecording(text);
  assert.equal(r.cut, true);
  assert.equal(r.lines.length, 2);
  const whole = splitRecording(`${HEADER}\n${LINE}\n`);
  assert.equal(whole.cut, false);
  assert.equal(whole.lines.length, 1);
  // only the newline missing: the line is whole
  assert.equal(splitRecording(`${HEADER}\n${LINE}`).cut, false);
  assert.throws(() => splitRecording(''), /empty file/);
  assert.throws(() => splitRecording('{"tcptally":"recor'), /not a tcptally recording/);
  assert.throws(() => splitRecording('just text\n'), /not a tcptally recording/);
});

test('the index reads time and states from the start of a line; lines that are not samples are left out', () => {
  assert.deepEqual(quickIndex(LINE), { time: T0, states: [0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0] });
  const other = JSON.stringify({ source: 'x', tally: { states: [0, 5] }, time: T0 + 1000 }); // keys in another order: parsed
  const ix = indexRecording([LINE, 'garbage', other]);
  assert.equal(ix.skipped, 1);
  assert.deepEqual([...ix.times], [T0, T0 + 1000]);
  assert.deepEqual(ix.states[1], [0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
