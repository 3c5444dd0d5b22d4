import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServices } from '../../src/model/services.js';
import { STATE_NAMES } from '../../src/model/states.js';
import type { SocketRecord } from '../../src/model/table.js';
import { toJson } from '../../src/output/json.js';
import { formatOnce } from '../../src/output/text.js';
import { snapshotOf } from '../helpers/snapshot.js';

const S: SocketRecord[] = [
  { family: 4, state: 10, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0 },
  { family: 4, state: 8, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001 },
  { family: 4, state: 6, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
];

const services = parseServices('http 80/tcp\npostgresql 5432/tcp\n');

test('JSON: schema, all eleven states with zeros, service names, ISO time', () => {
  const j = toJson(snapshotOf(S), 'box', services);
  assert.equal(j.time, '2026-11-24T12:00:00.000Z');
  assert.equal(j.host, 'box');
  assert.deepEqual(Object.keys(j.states), [...STATE_NAMES]);
  assert.equal(j.states.CLOSE_WAIT, 1);
  assert.equal(j.states.SYN_RECV, 0);
  assert.deepEqual(j.ports.map((p) => [p.port, p.direction, p.service, p.total]), [[80, 'in', 'http', 2], [5432, 'out', 'postgresql', 1]]);
  assert.deepEqual(Object.keys(j.ports[0].states), [...STATE_NAMES]);
  assert.deepEqual(j.peers.map((p) => p.address).sort(), ['10.0.0.7', '10.0.0.9']);
});

test('--once text: every state with its count and a bar, ports with service names, peers, counters', () => {
  const out = formatOnce(snapshotOf(S), { host: 'box', services, width: 80, ascii: false, top: 10 });
  const lines = out.split('\n');
  assert.match(out, /^tcptally {2}box {2}2026-11-24T12:00:00.000Z {2}source netlink/);
  assert.ok(lines.includes('CLOSE_WAIT         1 ' + '█'.repeat(59)), out);
  assert.ok(lines.includes('SYN_RECV           0'));
  assert.match(out, /^80 http\s+in\s+2\s+0\s+0\s+1\s/m);
  assert.match(out, /^5432 postgresql\s+out\s+1\s+0\s+1\s/m);
  assert.match(out, /^10\.0\.0\.7\s+1/m);
  assert.match(out, /active opens 47/);
  assert.ok(lines.every((l) => l.length <= 80), 'fits 80 columns');
});

test('--once text in ASCII has no UTF-8 at all', () => {
  const out = formatOnce(snapshotOf(S), { host: 'box', services, width: 80, ascii: true, top: 1 });
  assert.doesNotMatch(out, /[^\x00-\x7f]/);
  assert.match(out, /\.\.\. 1 more/);
});

test('the slow fallback is marked as such', () => {
  const out = formatOnce(snapshotOf(S, { source: 'si', sourceSlow: true }), { host: 'b', services, width: 80, ascii: false, top: 5 });
  assert.match(out, /source si \(slow fallback\)/);
});

test('JSON: --top cuts every list to N rows and says how long each list was', () => {
  const two = toJson(snapshotOf(S), 'box', services, 1);
  assert.deepEqual(two.ports.map((p) => p.port), [80]);
  assert.equal(two.portCount, 2);
  assert.equal(two.peers.length, 1);
  assert.equal(two.peerCount, 2);
  assert.equal(two.peerPorts.length, 1);
  assert.equal(two.peerPortCount, 2);
  const none = toJson(snapshotOf(S), 'box', services, 0);
  assert.deepEqual([none.ports, none.peers, none.peerPorts], [[], [], []]);
  assert.deepEqual([none.portCount, none.peerCount, none.peerPortCount], [2, 2, 2]);
  const all = toJson(snapshotOf(S), 'box', services, Infinity);
  assert.deepEqual([all.ports.length, all.peers.length, all.peerPorts.length], [2, 2, 2]);
  // the counts sit next to their lists
  const keys = Object.keys(all);
  assert.deepEqual(keys.slice(keys.indexOf('ports'), keys.indexOf('ports') + 6), ['ports', 'portCount', 'peers', 'peerCount', 'peerPorts', 'peerPortCount']);
});

test('--once text: --top 0 prints no rows, only how many there are', () => {
  const out = formatOnce(snapshotOf(S), { host: 'box', services, width: 80, ascii: true, top: 0 });
  assert.doesNotMatch(out, /^80 http/m);
  assert.doesNotMatch(out, /^10\.0\.0\.7/m);
  assert.equal(out.split('\n').filter((l) => l === '  ... 2 more').length, 2, out);
  const all = formatOnce(snapshotOf(S), { host: 'box', services, width: 80, ascii: true, top: Infinity });
  assert.match(all, /^5432 postgresql/m);
  assert.doesNotMatch(all, /more/);
});

// a listener at 150 % (full: backlog 2 holds 3), one at 10 % with a SYN_RECV, one read from /proc
const L: SocketRecord[] = [
  { family: 4, state: 10, laddr: '127.0.0.1', lport: 5432, raddr: '0.0.0.0', rport: 0, rqueue: 3, wqueue: 2 },
  { family: 6, state: 10, laddr: '::', lport: 443, raddr: '::', rport: 0, rqueue: 1, wqueue: 10 },
  { family: 4, state: 10, laddr: '0.0.0.0', lport: 22, raddr: '0.0.0.0', rport: 0, rqueue: 0, wqueue: 0xffffffff },
  { family: 6, state: 3, laddr: '::ffff:127.0.0.1', lport: 443, raddr: '::ffff:127.0.0.1', rport: 50000 },
];

test('JSON: listeners fullest first with queue, backlog (null when unknown), fill, SYN_RECV; cut by --top, counted', () => {
  const j = toJson(snapshotOf(L), 'box', services);
  assert.deepEqual(j.listeners, [
    { family: 4, address: '127.0.0.1', port: 5432, acceptQueue: 3, backlog: 2, fill: 150, synRecv: 0, owners: [] },
    { family: 6, address: '::', port: 443, acceptQueue: 1, backlog: 10, fill: 10, synRecv: 1, owners: [] },
    { family: 4, address: '0.0.0.0', port: 22, acceptQueue: 0, backlog: null, fill: null, synRecv: 0, owners: [] },
  ]);
  assert.equal(j.listenerCount, 3);
  assert.equal('netns' in j.listeners![0], false, 'no namespace without --all-netns');
  const ns = snapshotOf(L, { namespaces: [{ inode: 4026531840, pids: [1], reader: 1, label: 'host', own: true, rows: 4, readAt: 0 }] });
  assert.deepEqual(toJson(ns, 'box', services).listeners?.map((l) => l.netns), [4026531840, 4026531840, 4026531840]);
  const one = toJson(snapshotOf(L), 'box', services, 1);
  assert.deepEqual([one.listeners?.map((l) => l.port), one.listenerCount], [[5432], 3]);
});

test('JSON: a listener\'s owners are its pids with their commands', () => {
  const s = snapshotOf(L.slice(0, 1));
  s.listeners = [{ ...s.listeners![0], owners: [41, 42] }];
  s.processInfo = { 41: { command: 'postgres', user: 'pg', container: null } as never };
  assert.deepEqual(toJson(s, 'box', services).listeners?.[0].owners, [{ pid: 41, command: 'postgres' }, { pid: 42, command: null }]);
});

test('--once text: a listeners section, the full queue marked "!"', () => {
  const out = formatOnce(snapshotOf(L), { host: 'box', services, width: 80, ascii: true, top: 2 });
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith('LISTENER'));
  assert.deepEqual(lines.slice(at, at + 4), [
    'LISTENER                         QUEUE/BACKLOG  FILL  SYN_RECV',
    '127.0.0.1:5432                 !           3/2  150%         0',
    '[::]:443                                  1/10   10%         1',
    '  ... 1 more',
  ]);
});

const HEADROOM = {
  range: [40000, 40099] as [number, number], size: 90, reserved: 10, twReuse: 2, finTimeout: 60, count: 3, foreign: 0,
  rows: [
    { family: 4 as const, local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 81, size: 90 },
    { family: 6 as const, local: '::1', remote: '::1', port: 443, used: 71, size: 90 },
    { family: 4 as const, local: '10.0.0.2', remote: '10.0.0.9', port: 5432, used: 3, size: 90 },
  ],
};

test('JSON: headroom rows as the issue has them, their count, the settings; null when unknown', () => {
  const j = toJson(snapshotOf(S, { headroom: HEADROOM }), 'box', services, 2);
  assert.deepEqual(j.headroom, [
    { local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 81, size: 90 },
    { local: '::1', remote: '::1', port: 443, used: 71, size: 90 },
  ]);
  assert.equal(j.headroomCount, 3);
  assert.deepEqual(j.headroomSettings, { range: [40000, 40099], size: 90, reserved: 10, twReuse: 2, finTimeout: 60, otherNamespaceSockets: 0 });
  const unknown = toJson(snapshotOf(S), 'box', services);
  assert.deepEqual([unknown.headroom, unknown.headroomCount, unknown.headroomSettings], [null, null, null]);
});

test('--once text: the ephemeral-port section with the settings, rows at ≥ 80 % marked; unknown said so', () => {
  const out = formatOnce(snapshotOf(S, { headroom: HEADROOM }), { host: 'box', services, width: 80, ascii: false, top: 2 });
  const lines = out.split('\n');
  // one line would be 83 columns: two
  assert.ok(lines.includes('  range 40000–40099 (90 ports, 10 reserved)'), out);
  assert.ok(lines.includes('  tw_reuse 2 (loopback)  fin_timeout 60 s'), out);
  const wide = formatOnce(snapshotOf(S, { headroom: HEADROOM }), { host: 'box', services, width: 100, ascii: false, top: 2 });
  assert.ok(wide.split('\n').includes('  range 40000–40099 (90 ports, 10 reserved)  tw_reuse 2 (loopback)  fin_timeout 60 s'), wide);
  // 81/90 = 90.0 %, 71/90 = 78.8 % (rounded down: never shown as more than it is)
  assert.ok(lines.includes('! 10.0.0.1  10.0.0.9:5432          81/90   90.0'), out);
  assert.ok(lines.includes('  ::1       [::1]:443              71/90   78.8'), out);
  assert.ok(lines.includes('  … 1 more'), out);
  const unknown = formatOnce(snapshotOf(S), { host: 'box', services, width: 80, ascii: true, top: 2 });
  assert.match(unknown, /^EPHEMERAL PORTS unknown: no port-range sysctls for these sockets \(--pid: another\n {2}namespace's; run tcptally inside it: nsenter -t PID -n tcptally\)$/m);
  assert.ok(unknown.split('\n').every((l) => l.length <= 80));
});
