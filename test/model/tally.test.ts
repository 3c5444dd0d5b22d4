import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilter, parseFilter } from '../../src/model/filter.js';
import { tableOf } from '../../src/model/records.js';
import { codeOfName } from '../../src/model/states.js';
import { Tallier, tally, tallyTop } from '../../src/model/tally.js';
import { SocketTable, type SocketRecord } from '../../src/model/table.js';

const E = 1, TW = 6, CW = 8, L = 10, SS = 2;
const S: SocketRecord[] = [
  { family: 4, state: L, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0 },
  { family: 6, state: L, laddr: '::', lport: 8443, raddr: '::', rport: 0 },
  { family: 4, state: E, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40000 },
  { family: 4, state: CW, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001 },
  { family: 4, state: CW, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.8', rport: 40002 },
  { family: 6, state: E, laddr: '::ffff:10.0.0.1', lport: 8443, raddr: '::ffff:10.0.0.7', rport: 40003 },
  // outgoing: local ephemeral ports are not LISTEN ports, so they count under the remote port
  { family: 4, state: TW, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: TW, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: E, laddr: '10.0.0.1', lport: 50002, raddr: '10.0.0.9', rport: 5432 },
  { family: 6, state: SS, laddr: '2001:db8::1', lport: 50003, raddr: '2001:db8::99', rport: 443 },
  // an outgoing connection whose remote port is 80 stays "out" (remote), yet lport 80 is LISTEN... not here:
  { family: 4, state: E, laddr: '10.0.0.1', lport: 50004, raddr: '10.0.0.20', rport: 80 },
];

test('per-state counts and families', () => {
  const t = tally(tableOf(S));
  assert.equal(t.total, S.length);
  assert.equal(t.states[E], 4);
  assert.equal(t.states[TW], 2);
  assert.equal(t.states[CW], 2);
  assert.equal(t.states[L], 2);
  assert.equal(t.states[SS], 1);
  assert.equal(t.states.reduce((a, b) => a + b, 0), t.total);
  assert.deepEqual(t.families, { v4: 8, v6: 3 });
});

test('service ports: LISTEN ports count "in" by local port, all else "out" by remote port', () => {
  const t = tally(tableOf(S));
  const rows = Object.fromEntries(t.ports.map((p) => [`${p.port}/${p.direction}`, p]));
  assert.deepEqual(Object.keys(rows).sort(), ['443/out', '5432/out', '80/in', '80/out', '8443/in']);
  assert.equal(rows['80/in'].total, 4); // listener + 1 ESTABLISHED + 2 CLOSE_WAIT
  assert.equal(rows['80/in'].states[CW], 2);
  assert.equal(rows['80/in'].states[L], 1);
  assert.equal(rows['8443/in'].total, 2);
  assert.equal(rows['5432/out'].total, 3);
  assert.equal(rows['5432/out'].states[TW], 2);
  assert.equal(rows['80/out'].total, 1, 'a client of a remote :80 is "out" even though :80 listens here');
  assert.equal(t.ports[0].port, 80, 'sorted by total, largest first');
});

test('peers: per remote host and host:port; mapped IPv4 merges with IPv4; LISTEN has no peer', () => {
  const t = tally(tableOf(S));
  const peers = Object.fromEntries(t.peers.map((p) => [p.address, p]));
  assert.deepEqual(Object.keys(peers).sort(), ['10.0.0.20', '10.0.0.7', '10.0.0.8', '10.0.0.9', '2001:db8::99']);
  assert.equal(peers['10.0.0.7'].total, 3);
  assert.equal(peers['10.0.0.9'].states[TW], 2);
  assert.equal(t.peers[0].address, '10.0.0.7');
  const hp = t.peerPorts.find((p) => p.address === '10.0.0.9' && p.port === 5432);
  assert.equal(hp?.total, 3);
  assert.equal(t.peerPortCount, 7);
});

test('a filter narrows every tally but not which ports are LISTEN ports', () => {
  const pred = compileFilter(parseFilter('close-wait'));
  const t = tally(tableOf(S), { filter: pred });
  assert.equal(t.total, 2);
  assert.equal(t.scanned, S.length);
  assert.deepEqual(t.ports.map((p) => `${p.port}/${p.direction}`), ['80/in']);
});

test('sort by a state column, ascending or not, and cut to top N', () => {
  const tl = new Tallier();
  const byTw = tl.tally(tableOf(S), { sortBy: codeOfName('TIME_WAIT') });
  assert.equal(byTw.ports[0].port, 5432);
  const asc = tl.tally(tableOf(S), { sortBy: 'key', ascending: true, top: 2 });
  assert.deepEqual(asc.ports.map((p) => p.port), [80, 80]);
  assert.equal(asc.portCount, 5);
  assert.equal(asc.peers.length, 2);
});

test('drill-down: focus on one service port restricts the peers', () => {
  const t = tally(tableOf(S), { focus: { port: 80, direction: 'in' } });
  assert.deepEqual(t.peers.map((p) => p.address).sort(), ['10.0.0.7', '10.0.0.8']);
  assert.equal(t.total, S.length, 'the state totals stay whole');
});

test('a reused Tallier gives the same answer twice (its buffers are reset)', () => {
  const tl = new Tallier();
  const a = tl.tally(tableOf(S));
  const b = tl.tally(tableOf(S));
  assert.deepEqual(a, b);
});

test('with first-seen times, each port row carries the oldest ESTABLISHED, CLOSE_WAIT and FIN_WAIT2', () => {
  const recs: SocketRecord[] = [
    { family: 4, state: 10, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0 },
    { family: 4, state: 8, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001 },
    { family: 4, state: 8, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40002 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.8', rport: 40003 },
    { family: 4, state: 5, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
  ];
  const firstSeen = Float64Array.from([100, 5000, 3000, 7000, 9000]);
  const t = tally(tableOf(recs), { firstSeen });
  const rows = Object.fromEntries(t.ports.map((p) => [`${p.port} ${p.direction}`, p.oldest]));
  assert.deepEqual(rows, { '80 in': [7000, 3000, 0], '5432 out': [0, 0, 9000] });
  assert.equal(tally(tableOf(recs)).ports[0].oldest, undefined, 'no ages asked, none given');
  // a second tally with the same buffers starts clean
  const again = new Tallier();
  again.tally(tableOf(recs), { firstSeen });
  assert.deepEqual(again.tally(tableOf(recs.slice(0, 2)), { firstSeen }).ports.find((p) => p.port === 80)!.oldest, [0, 5000, 0]);
});

test('tallyTop maps a row count to TallyOptions.top (where 0 means all)', () => {
  assert.equal(tallyTop(Infinity), 0);
  assert.equal(tallyTop(0), 1);
  assert.equal(tallyTop(1), 1);
  assert.equal(tallyTop(20), 20);
});

test('with owners: rows carry their largest owner shares and unknown owners; a processes list; the ownership split', () => {
  const recs: SocketRecord[] = [
    { family: 4, state: 10, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0, inode: 1 }, // shared listener
    { family: 4, state: 8, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001, inode: 2 },
    { family: 4, state: 8, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40002, inode: 3 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.8', rport: 40003, inode: 4 },
    { family: 4, state: 6, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432, inode: 0 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.9', rport: 5432, inode: 5 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 50002, raddr: '10.0.0.9', rport: 5432, inode: 6 },
  ];
  const who: Record<number, readonly number[] | 'none' | 'unreadable' | 'pending'> = { 0: 'none', 1: [100, 101], 2: [101], 3: [101], 4: [100], 5: 'unreadable', 6: 'pending' };
  const t = tally(tableOf(recs), { owners: (inode) => who[inode] });
  assert.deepEqual(t.ownership, { owned: 4, unreadable: 1, none: 1, pending: 1 });
  const port = (p: number) => t.ports.find((r) => r.port === p)!;
  assert.deepEqual(port(80).owners, [{ pid: 101, sockets: 3 }, { pid: 100, sockets: 2 }]);
  assert.equal(port(80).ownerCount, 2);
  assert.equal(port(80).unknownOwners, 0);
  assert.deepEqual(port(5432).owners, []);
  assert.equal(port(5432).unknownOwners, 2, 'unreadable and pending: unknown, never guessed');
  const host = (a: string) => t.peers.find((r) => r.address === a)!;
  assert.deepEqual(host('10.0.0.7').owners, [{ pid: 101, sockets: 2 }]);
  assert.equal(host('10.0.0.9').unknownOwners, 2);
  assert.deepEqual(t.processes.map((p) => [p.pid, p.total, p.states[10], p.states[8], p.states[1]]), [[101, 3, 1, 2, 0], [100, 2, 1, 0, 1]]);
  assert.equal(t.processCount, 2);
  // a process's drill-down: its ports and peers only
  const mine = tally(tableOf(recs), { owners: (inode) => who[inode], focus: { pid: 100 } });
  assert.deepEqual(mine.ports.map((p) => [p.port, p.total]), [[80, 2]]);
  assert.deepEqual(mine.peers.map((p) => p.address), ['10.0.0.8']);
  assert.deepEqual(mine.processes.map((p) => p.pid), [100]);
  assert.equal(mine.total, 7, 'the state counts stay those of the whole filter');
  // a port's drill-down: the processes of that port
  const p80 = tally(tableOf(recs), { owners: (inode) => who[inode], focus: { port: 5432, direction: 'out' } });
  assert.deepEqual(p80.processes, []);
  assert.equal(tally(tableOf(recs)).ownership, null, 'no owners asked: no split claimed');
});

test('a port\'s drill-down row is there wherever the sort and the cut put it', () => {
  const recs: SocketRecord[] = Array.from({ length: 30 }, (_, i) => ({ family: 4 as const, state: 1, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 1000 + (i % 10) }));
  recs.push({ family: 4, state: 8, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 7777 });
  const t = tally(tableOf(recs), { top: 2, focus: { port: 7777, direction: 'out' } });
  assert.equal(t.ports.length, 2);
  assert.ok(!t.ports.some((p) => p.port === 7777), 'cut from the list (it has the fewest sockets)');
  assert.deepEqual(t.focusPort && [t.focusPort.port, t.focusPort.total, t.focusPort.states[8]], [7777, 1, 1]);
});

test('portTop: the ports list keeps its own cut (0: every port) while top cuts the others', () => {
  const recs: SocketRecord[] = [];
  for (let p = 1; p <= 5; p++) recs.push({ family: 4, state: E, laddr: '10.0.0.1', lport: 40000 + p, raddr: `10.0.0.${p}`, rport: 1000 + p });
  const all = tally(tableOf(recs), { top: 2, portTop: 0 });
  assert.deepEqual(all.ports.map((r) => r.port).sort(), [1001, 1002, 1003, 1004, 1005]);
  assert.equal(all.peers.length, 2);
  assert.equal(all.peerPorts.length, 2);
  const three = tally(tableOf(recs), { top: 2, portTop: 3 });
  assert.equal(three.ports.length, 3);
  assert.equal(three.portCount, 5);
  assert.equal(tally(tableOf(recs), { top: 2 }).ports.length, 2, 'without portTop, top cuts the ports too');
});

// --all-netns: namespace 1 (a container) listens on 8080; in namespace 0 (ours) a client's local port
// happens to be 8080 too, towards a database on 5432
const NS0: SocketRecord[] = [
  { family: 4, state: E, laddr: '10.0.0.1', lport: 8080, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: TW, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
];
const NS1: SocketRecord[] = [
  { family: 4, state: L, laddr: '0.0.0.0', lport: 8080, raddr: '0.0.0.0', rport: 0 },
  { family: 4, state: E, laddr: '10.0.1.1', lport: 8080, raddr: '10.0.1.7', rport: 40000 },
];
function twoNamespaces(ns0 = NS0, ns1 = NS1): SocketTable {
  const t = new SocketTable();
  t.append(tableOf(ns0), 0);
  t.append(tableOf(ns1), 1);
  return t;
}
const portsOf = (ports: { port: number; direction: string; total: number }[]) =>
  ports.map((p) => `${p.direction}:${p.port}=${p.total}`).sort();

test('--all-netns: a port is "in" only where its own namespace listens on it', () => {
  const t = tally(twoNamespaces(), { namespaces: { inodes: [4026531840, 4026532500] } });
  // ns 0's client on local port 8080 counts out:5432 (ns 0 listens on nothing); ns 1's listener and its connection in:8080
  assert.deepEqual(portsOf(t.ports), ['in:8080=2', 'out:5432=2']);
  const inRow = t.ports.find((p) => p.direction === 'in');
  assert.equal(inRow?.states[L], 1);
  assert.equal(inRow?.states[E], 1);
  assert.deepEqual(t.namespaces.map((r) => [r.index, r.total]), [[0, 2], [1, 2]]);
});

test('--all-netns: the drill-down by port follows the namespace\'s own LISTEN set', () => {
  const out = tally(twoNamespaces(), { focus: { port: 5432, direction: 'out' } });
  assert.deepEqual(out.focusPort && [out.focusPort.total, out.focusPort.states[E], out.focusPort.states[TW]], [2, 1, 1]);
  assert.deepEqual(out.peerPorts.map((p) => `${p.address}:${p.port}=${p.total}`), ['10.0.0.9:5432=2']);
  const inn = tally(twoNamespaces(), { focus: { port: 8080, direction: 'in' } });
  assert.deepEqual(inn.focusPort && [inn.focusPort.total, inn.focusPort.states[L], inn.focusPort.states[E]], [2, 1, 1]);
  assert.deepEqual(inn.peerPorts.map((p) => `${p.address}:${p.port}=${p.total}`), ['10.0.1.7:40000=1']);
  // the namespace drill-down: ns 0 alone has no "in" port
  const ns0 = tally(twoNamespaces(), { focus: { netns: 4026531840 }, namespaces: { inodes: [4026531840, 4026532500] } });
  assert.deepEqual(portsOf(ns0.ports), ['out:5432=2']);
});

test('--all-netns: a reused Tallier forgets the last sample\'s namespaces and listeners', () => {
  const tl = new Tallier();
  assert.deepEqual(portsOf(tl.tally(twoNamespaces()).ports), ['in:8080=2', 'out:5432=2']);
  // the next sample: ns 1 stopped listening, ns 0 now listens on 8080 itself (its client row is then "in")
  const next = twoNamespaces(
    [...NS0, { family: 4, state: L, laddr: '0.0.0.0', lport: 8080, raddr: '0.0.0.0', rport: 0 }],
    [{ family: 4, state: E, laddr: '10.0.1.1', lport: 8080, raddr: '10.0.1.7', rport: 40000 }],
  );
  assert.deepEqual(portsOf(tl.tally(next).ports), ['in:8080=2', 'out:40000=1', 'out:5432=1']);
  // one namespace again (the fast path): the box-wide set is the namespace's own
  assert.deepEqual(portsOf(tl.tally(tableOf(NS1)).ports), ['in:8080=2']);
  assert.deepEqual(portsOf(tl.tally(twoNamespaces()).ports), ['in:8080=2', 'out:5432=2']);
});
