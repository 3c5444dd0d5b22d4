/**
 * src/ui/components/Fleet.tsx: the fleet table's lines from literal rows (hosts up, down, connecting),
 * and the Header's remote label and markers.
 */

import '../../helpers/forceColor.js'; // first: chalk reads FORCE_COLOR when Ink loads it
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { Firing } from '../../../src/model/alerts.js';
import type { SocketRecord } from '../../../src/model/table.js';
import type { FleetRow } from '../../../src/store/fleet.js';
import type { RemoteLink } from '../../../src/store/store.js';
import { Fleet, fleetLines } from '../../../src/ui/components/Fleet.js';
import { Header, remoteLabel, remoteMarkers } from '../../../src/ui/components/Header.js';
import { snapshotOf } from '../../helpers/snapshot.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const rec = (state: number, n: number): SocketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ family: 4, state, laddr: '10.0.0.1', lport: 5000, raddr: '10.0.0.2', rport: 30000 + i + state * 100 }));
const link = (host: string, l: Partial<RemoteLink>): RemoteLink =>
  ({ host, state: 'up', mode: 'proc-remote', bytesPerSample: 12 * 1024, reason: null, retryAt: null, os: '', since: 0, ...l });
const deltas = (m: Record<number, number>) => Array.from({ length: 12 }, (_, i) => m[i] ?? 0);

const NOW = 1_000_000;
const ROWS: FleetRow[] = [
  // 7 ESTABLISHED (+2 since the last sample), 3 TIME_WAIT (-1), 1 LISTEN
  // two rules firing there, the worst critical
  { host: 'root@db1', link: link('root@db1', {}), snap: snapshotOf([...rec(1, 7), ...rec(6, 3), ...rec(10, 1)], {
    deltas: deltas({ 1: 2, 6: -1 }),
    alerts: { firing: [{ level: 'warning' } as Firing, { level: 'critical' } as Firing], log: [] },
  }) },
  { host: 'web2', link: link('web2', { state: 'down', reason: 'Connection refused', retryAt: NOW + 4000 }), snap: null },
  { host: 'cache3', link: link('cache3', { state: 'connecting', mode: null, bytesPerSample: 0 }), snap: null },
];

test('fleetLines: a row per host; counts with their change; down and connecting said in words', () => {
  const { header, lines } = fleetLines(ROWS, 120, NOW);
  assert.match(header, /^HOST +LINK +ALERTS +TOTAL +ESTAB +TIME_W +CLOSE_W +LISTEN +SYN_RCV +MODE +B\/SAMPLE$/);
  const cells = lines[0].text.trim().split(/\s{2,}/);
  assert.deepEqual(cells, ['root@db1', 'up', '2 crit', '11 +1', '7 +2', '3 -1', '0', '1', '0', 'proc', '12 KB']);
  assert.equal(lines[0].down, false);
  assert.equal(lines[0].alert, 'critical');
  assert.equal(lines[1].text, 'web2      down: Connection refused (retry in 4s)');
  assert.equal(lines[1].down, true);
  assert.match(lines[2].text, /^cache3 +connecting…$/);
});

test('fleetLines: more state columns as the width allows, never wider than it', () => {
  const narrow = fleetLines(ROWS, 70, NOW).header;
  const wide = fleetLines(ROWS, 200, NOW).header;
  assert.ok(narrow.length <= 70 && wide.length <= 200, `${narrow.length} ${wide.length}`);
  assert.doesNotMatch(narrow, /LISTEN/);
  assert.match(wide, /FIN_W2 +LAST_ACK +CLOSING +CLOSE +MODE/);
});

test('Fleet: the title counts hosts up and down; the selected row is highlighted', () => {
  const { lastFrame } = render(<Fleet rows={ROWS} selected={1} width={90} height={10} now={NOW} />);
  const frame = lastFrame()!;
  const lines = strip(frame).split('\n');
  assert.match(lines[0], /^tcptally fleet {2}3 hosts {2}up 1 {2}down 1/);
  assert.match(lines[3], /^web2 +down: Connection refused/);
  assert.match(lines[lines.length - 1], /q quit {2}Enter open/);
  // inverse video on the selected row only
  const inverse = frame.split('\n').filter((l) => l.includes('\x1b[7m'));
  assert.equal(inverse.length, 1);
  assert.match(strip(inverse[0]), /^web2/);
});

test('Header: a remote host is named with its mode and bytes per sample; its link state and a big proc-remote are marked', () => {
  assert.equal(remoteLabel(link('root@db1', {})), 'root@db1 · proc-remote · 12 KB/sample');
  assert.equal(remoteLabel(link('h', { mode: null, bytesPerSample: 0 })), 'h');
  assert.deepEqual(remoteMarkers(link('h', { state: 'down', reason: 'Connection refused' }), 10).map((m) => m.text), ['DOWN: Connection refused']);
  assert.deepEqual(remoteMarkers(link('h', {}), 20_000), []);
  assert.match(remoteMarkers(link('h', {}), 20_001)[0].text, /20001 sockets: proc-remote is heavy/);
  assert.deepEqual(remoteMarkers(link('h', { mode: 'node-remote' }), 50_000), []);
  const { lastFrame } = render(
    <Header snap={snapshotOf(rec(1, 2))} host="local" os="" intervalMs={1000} paused={false} filterText={null} width={100} remote={link('root@db1', { state: 'down', reason: 'gone' })} />,
  );
  const first = strip(lastFrame()).split('\n')[0];
  assert.match(first, /^tcptally {2}root@db1 · proc-remote · 12 KB\/sample {2}every 1s/);
  assert.match(first, /DOWN: gone$/);
  assert.doesNotMatch(first, /local/);
});
