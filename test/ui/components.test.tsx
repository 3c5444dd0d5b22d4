import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { parseServices } from '../../src/model/services.js';
import type { PeerRow, PortRow } from '../../src/model/tally.js';
import { CountersStrip } from '../../src/ui/components/CountersStrip.js';
import { StateBars } from '../../src/ui/components/StateBars.js';
import { StatusLine } from '../../src/ui/components/StatusLine.js';
import { Table } from '../../src/ui/components/Table.js';
import { Trend } from '../../src/ui/components/Trend.js';
import { ThemeContext } from '../../src/ui/theme.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const counts = (m: Record<number, number>) => Array.from({ length: 12 }, (_, i) => m[i] ?? 0);

test('StateBars: exact frame of a small case (largest state fills the bar, zeros hidden with z)', () => {
  const { lastFrame } = render(
    <StateBars states={counts({ 1: 40, 6: 20, 3: 1 })} deltas={counts({ 6: 5, 1: -2 })} hideZero trend={6} width={40} />,
  );
  assert.equal(
    strip(lastFrame()),
    [
      ' ESTABLISHED       40 -2      ██████████',
      ' SYN_RECV           1         ▎',
      '>TIME_WAIT         20 +5      █████',
    ].join('\n'),
  );
});

test('StateBars: all eleven rows by default, each within the width', () => {
  const { lastFrame } = render(<StateBars states={counts({ 1: 5 })} deltas={counts({})} hideZero={false} trend={0} width={80} />);
  const lines = strip(lastFrame()).split('\n');
  assert.equal(lines.length, 11);
  assert.ok(lines.every((l) => l.length <= 80));
});

test('StateBars in ASCII uses # bars', () => {
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: false, ascii: true }}>
      <StateBars states={counts({ 1: 4, 6: 2 })} deltas={counts({})} hideZero trend={0} width={34} />
    </ThemeContext.Provider>,
  );
  assert.equal(strip(lastFrame()), [' ESTABLISHED        4         ####', ' TIME_WAIT          2         ##'].join('\n'));
});

test('Trend: sparkline with now/min/max/rate', () => {
  const { lastFrame } = render(<Trend series={6} values={[0, 2, 4, 8]} stats={{ current: 8, min: 0, max: 8, ratePerSec: 8 / 3, points: 4 }} width={60} />);
  const f = strip(lastFrame());
  assert.match(f, /^ TIME_WAIT {4}▁▃▅█ +now 8 min 0 max 8 \+2\.7\/s$/);
  assert.ok(f.length <= 60);
});

test('CountersStrip: per-second rates with short labels', () => {
  const { lastFrame } = render(<CountersStrip rates={{ 'Tcp.ActiveOpens': 12, 'Tcp.PassiveOpens': 3, 'TcpExt.ListenDrops': 0.5 }} width={80} />);
  assert.equal(strip(lastFrame()), ' /s act.opens 12 · pas.opens 3 · drops 0.5');
  const none = render(<CountersStrip rates={{}} width={80} />);
  assert.match(strip(none.lastFrame()), /after the second sample/);
});

const services = parseServices('postgresql 5432/tcp\nhttp 80/tcp\n');
const st = (m: Record<number, number>) => counts(m);
const ports: PortRow[] = [
  { port: 5432, direction: 'out', total: 300, states: st({ 1: 10, 6: 290 }) },
  { port: 80, direction: 'in', total: 12, states: st({ 10: 1, 8: 11 }) },
];

test('Table (ports): header with the sort marker, service names, directions, selection; fits 80 columns', () => {
  const { lastFrame } = render(<Table pane="ports" rows={ports} totalRows={2} sortColumn={1} ascending={false} selected={1} height={3} width={80} services={services} processInfo={null} />);
  const lines = strip(lastFrame()).split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^ PORT SERVICE +DIR +▼TOTAL +ESTAB +TIME_W +CLOSE_W +SYN_RCV +SYN_SNT +FIN_W2$/);
  assert.match(lines[1], /^ 5432 postgresql +out +300 +10 +290 +\. +\. +\. +\.\s*$/);
  assert.match(lines[2], /^ {3}80 http +in +12 +\. +\. +11 +\. +\. +\.\s*$/);
  assert.ok(lines.every((l) => l.length <= 80), 'fits');
});

test('Table: the KEY column shows its sort marker too', () => {
  const { lastFrame } = render(<Table pane="ports" rows={ports} totalRows={2} sortColumn={0} ascending={false} selected={0} height={2} width={80} services={services} processInfo={null} />);
  assert.match(strip(lastFrame()).split('\n')[0], /^ PORT SERVICE +DIR▼ +TOTAL/);
});

test('Table scrolls to keep the selection visible', () => {
  const many: PortRow[] = Array.from({ length: 20 }, (_, i) => ({ port: 1000 + i, direction: 'out', total: 20 - i, states: st({ 1: 20 - i }) }));
  const { lastFrame } = render(<Table pane="ports" rows={many} totalRows={20} sortColumn={1} ascending={false} selected={12} height={5} width={80} services={services} processInfo={null} />);
  const lines = strip(lastFrame()).split('\n');
  assert.match(lines[1], /^ 1008 /);
  assert.match(lines[5], /^ 1012 /);
});

test('Table (peers and host:port): IPv6 in brackets with a port', () => {
  const peers: PeerRow[] = [{ address: '2001:db8::7', port: 443, total: 3, states: st({ 1: 3 }) }, { address: '10.0.0.9', port: 5432, total: 2, states: st({ 6: 2 }) }];
  const { lastFrame } = render(<Table pane="peerPorts" rows={peers} totalRows={2} sortColumn={0} ascending selected={0} height={2} width={80} services={services} processInfo={null} />);
  const lines = strip(lastFrame()).split('\n');
  assert.match(lines[0], /^REMOTE HOST:PORT▲/);
  assert.match(lines[1], /^\[2001:db8::7\]:443 +3 +3/);
  assert.match(lines[2], /^10\.0\.0\.9:5432 +2 +\. +2/);
});

// The key column is as wide as what it holds (port, the longest service name in the list, direction;
// an address for peers), never a fixed share of the width: the rest stays at the right, like htop.
const plain: PortRow[] = [
  { port: 34967, direction: 'in', total: 5, states: st({ 8: 4, 10: 1 }) },
  { port: 5432, direction: 'out', total: 300, states: st({ 1: 10, 6: 290 }) },
];

test('Table (ports) with no service names at 100 columns: the key column is only as wide as its header', () => {
  const { lastFrame } = render(<Table pane="ports" rows={plain} totalRows={2} sortColumn={1} ascending={false} selected={0} height={2} width={100} services={parseServices('')} processInfo={null} />);
  assert.equal(
    strip(lastFrame()),
    [
      ' PORT SERVICE DIR   ▼TOTAL  ESTAB  TIME_W  CLOSE_W  SYN_RCV  SYN_SNT  FIN_W2',
      '34967          in        5      .       .        4        .        .       .',
      ' 5432         out      300     10     290        .        .        .       .',
    ].join('\n'),
  );
});

test('Table (ports): the key column fits the longest service name; the KEY sort marker follows DIR', () => {
  const { lastFrame } = render(<Table pane="ports" rows={ports} totalRows={2} sortColumn={0} ascending={false} selected={0} height={2} width={80} services={services} processInfo={null} />);
  assert.equal(
    strip(lastFrame()),
    [
      ' PORT SERVICE    DIR▼   TOTAL  ESTAB  TIME_W  CLOSE_W  SYN_RCV  SYN_SNT  FIN_W2',
      ' 5432 postgresql out      300     10     290        .        .        .       .',
      '   80 http        in       12      .       .       11        .        .       .',
    ].join('\n'),
  );
});

test('Table (ports): short of width, service names are cut, not the numbers', () => {
  const { lastFrame } = render(<Table pane="ports" rows={ports.slice(0, 1)} totalRows={1} sortColumn={1} ascending={false} selected={0} height={1} width={78} services={services} processInfo={null} />);
  assert.equal(
    strip(lastFrame()),
    [
      ' PORT SERVICE   DIR   ▼TOTAL  ESTAB  TIME_W  CLOSE_W  SYN_RCV  SYN_SNT  FIN_W2',
      ' 5432 postgres… out      300     10     290        .        .        .       .',
    ].join('\n'),
  );
});

test('Table (peers) at 100 columns: the address column is as wide as the longest address', () => {
  const peers: PeerRow[] = [{ address: '2001:db8::7', total: 3, states: st({ 1: 3 }) }, { address: '10.0.0.9', total: 2, states: st({ 6: 2 }) }];
  const { lastFrame } = render(<Table pane="peers" rows={peers} totalRows={2} sortColumn={1} ascending={false} selected={1} height={2} width={100} services={services} processInfo={null} />);
  assert.equal(
    strip(lastFrame()),
    [
      'REMOTE HOST   ▼TOTAL  ESTAB  TIME_W  CLOSE_W  SYN_RCV  SYN_SNT  FIN_W2',
      '2001:db8::7        3      3       .        .        .        .       .',
      '10.0.0.9           2      .       2        .        .        .       .',
    ].join('\n'),
  );
});

test('StatusLine: key hints, or the prompt with its live error', () => {
  const hints = strip(render(<StatusLine prompt={null} note="" width={80} />).lastFrame());
  assert.match(hints, /^q quit \? help \/ filter s sort Tab pane Enter drill Space pause t trend a alerts\s*$/);
  const bad = strip(render(<StatusLine prompt={{ text: 'estab and x', error: '"x" at column 11: expected a state', full: false }} note="" width={80} />).lastFrame());
  assert.equal(bad, 'filter> estab and x\n✗ "x" at column 11: expected a state');
  const long = strip(render(<StatusLine prompt={{ text: `port = 1 or ${'x'.repeat(100)}end`, error: null, full: false }} note="" width={40} />).lastFrame());
  assert.equal(long.split('\n')[0], `filter> …${'x'.repeat(27)}end`, 'the end of a long filter stays in view');
  const ok = strip(render(<StatusLine prompt={{ text: 'tw', error: null, full: false }} note="" width={80} />).lastFrame());
  assert.match(ok, /✓ Enter applies/);
});

test('CountersStrip fits its line: a tighter separator first, fewer counters when even that is too wide', () => {
  const rates = { 'Tcp.ActiveOpens': 123, 'Tcp.PassiveOpens': 56, 'Tcp.OutRsts': 8, 'Tcp.RetransSegs': 150, 'TcpExt.ListenOverflows': 12, 'TcpExt.ListenDrops': 12, 'TcpExt.SyncookiesSent': 340 };
  const wide = strip(render(<CountersStrip rates={rates} width={120} />).lastFrame());
  assert.equal(wide, ' /s act.opens 123 · pas.opens 56 · rst 8 · retrans 150 · ovfl 12 · drops 12 · cookies 340');
  const at84 = strip(render(<CountersStrip rates={rates} width={84} />).lastFrame());
  assert.equal(at84, ' /s act.opens 123  pas.opens 56  rst 8  retrans 150  ovfl 12  drops 12  cookies 340');
  const at80 = strip(render(<CountersStrip rates={rates} width={80} />).lastFrame());
  assert.equal(at80, ' /s act.opens 123 pas.opens 56 rst 8 retrans 150 ovfl 12 drops 12 cookies 340');
  const at40 = strip(render(<CountersStrip rates={rates} width={40} />).lastFrame());
  assert.equal(at40, ' /s act.opens 123 pas.opens 56 rst 8');
});

test('DrillTitle: the port and its counts, then how old its oldest sockets are (≥ for ones there at the start)', async () => {
  const { DrillTitle } = await import('../../src/ui/components/DrillTitle.js');
  const row = { port: 8080, direction: 'in' as const, total: 9, states: [0, 2, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0], oldest: [61_000, 1_000, 0] };
  const f = strip(render(<DrillTitle focus={{ port: 8080, direction: "in" }} row={row} info={undefined} services={services} now={3_723_000} agesSince={1_000} width={100} />).lastFrame());
  assert.equal(f.split('\n')[0].trimEnd(), 'drill-down: port 8080 in  total 9  ESTAB 2  TIME_W 0  CLOSE_W 7  SYN_RCV 0  SYN_SNT 0  FIN_W2 0');
  assert.equal(f.split('\n')[1].trimEnd(), 'oldest: ESTABLISHED 1h01m  CLOSE_WAIT ≥1h02m  FIN_WAIT2 -');
  const off = strip(render(<DrillTitle focus={{ port: 8080, direction: "in" }} row={row} info={undefined} services={services} now={3_723_000} agesSince={null} width={100} />).lastFrame());
  assert.equal(off.split('\n')[1].trim(), '', 'ages not tracked: nothing claimed');
});

test('Table: an OWNER column from 100 columns ("command[pid] +N", "?" for unknown owners); a processes pane', async () => {
  const { ownerCell } = await import('../../src/ui/components/Table.js');
  const info = { 100: { pid: 100, command: 'nginx', uid: 33, user: 'www-data', container: { runtime: 'docker' as const, id: 'a1b2c3d4e5f6a7b8c9d0' } } };
  assert.equal(ownerCell({ owners: [{ pid: 100, sockets: 5 }], ownerCount: 3, unknownOwners: 0 }, info), 'nginx[100] +2');
  assert.equal(ownerCell({ owners: [], ownerCount: 0, unknownOwners: 4 }, info), '?');
  assert.equal(ownerCell({ owners: [], ownerCount: 0, unknownOwners: 0 }, info), '-');
  assert.equal(ownerCell({ owners: [{ pid: 100, sockets: 1 }], ownerCount: 1, unknownOwners: 2 }, info), 'nginx[100] ?');
  const rows = [{ port: 80, direction: 'in' as const, total: 6, states: [0, 1, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0], owners: [{ pid: 100, sockets: 6 }], ownerCount: 1, unknownOwners: 0 }];
  const wide = strip(render(<Table pane="ports" rows={rows} totalRows={1} sortColumn={1} ascending={false} selected={0} height={1} width={100} services={services} processInfo={info} />).lastFrame()).split('\n');
  assert.match(wide[0], /CLOSE_W .*OWNER$/);
  assert.match(wide[1], /^ +80 http +in +6 +1 +\. +5 .*nginx\[100\]$/);
  const narrow = strip(render(<Table pane="ports" rows={rows} totalRows={1} sortColumn={1} ascending={false} selected={0} height={1} width={80} services={services} processInfo={info} />).lastFrame());
  assert.doesNotMatch(narrow, /OWNER|nginx/, 'at 80 columns the key column keeps its room');
  const procs = [{ pid: 100, total: 6, states: [0, 1, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0] }];
  const p = strip(render(<Table pane="processes" rows={procs} totalRows={1} sortColumn={1} ascending={false} selected={0} height={1} width={100} services={services} processInfo={info} />).lastFrame()).split('\n');
  assert.match(p[0], /^ +PID COMMAND +USER +CONTAINER/);
  assert.match(p[1], /^ +100 nginx  www-data  a1b2c3d4e5f6 +6 +1 +\. +5/);
});

test('the header says what is not known of the owners', async () => {
  const { ownersNote } = await import('../../src/ui/components/Header.js');
  assert.equal(ownersNote({ owned: 10, unreadable: 8120, none: 4, pending: 0 }, false), '  owners of 8120 sockets unreadable: not root');
  assert.equal(ownersNote({ owned: 10, unreadable: 3, none: 4, pending: 7 }, true), '  owners of 3 sockets unreadable, 7 not attributed yet');
  assert.equal(ownersNote({ owned: 10, unreadable: 1, none: 4, pending: 0 }, true), '  owners of 1 socket unreadable');
  assert.equal(ownersNote({ owned: 10, unreadable: 0, none: 4, pending: 0 }, false), '');
  assert.equal(ownersNote(null, false), '');
});
