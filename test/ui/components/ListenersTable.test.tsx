import '../../helpers/forceColor.js'; // before Ink: chalk picks its colour level when loaded
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { listListeners } from '../../../src/model/listeners.js';
import { tableOf } from '../../../src/model/records.js';
import type { SocketRecord } from '../../../src/model/table.js';
import { ListenersTable } from '../../../src/ui/components/ListenersTable.js';
import { ThemeContext } from '../../../src/ui/theme.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const L = (laddr: string, lport: number, rqueue: number, wqueue: number, inode = 0): SocketRecord =>
  ({ family: laddr.includes(':') ? 6 : 4, state: 10, laddr, lport, raddr: laddr.includes(':') ? '::' : '0.0.0.0', rport: 0, rqueue, wqueue, inode });
const ROWS = listListeners(tableOf([
  L('0.0.0.0', 80, 10, 100, 1),
  L('127.0.91.1', 19101, 3, 2, 2),        // full: 150 %
  L('::', 443, 0, 4096, 3),
  L('10.0.0.1', 22, 8, 10, 4),            // 80 %: high
  { family: 4, state: 3, laddr: '10.0.0.1', lport: 22, raddr: '10.0.0.9', rport: 5000 },
  L('127.0.0.1', 9000, 2, 0xffffffff, 5), // /proc: backlog unknown
]), { owners: (inode) => (inode === 2 ? [4242] : inode === 1 ? [10, 11] : inode === 5 ? 'unreadable' : 'none') }).rows;
const RATES = { 'TcpExt.ListenOverflows': 3, 'TcpExt.ListenDrops': 3, 'TcpExt.SyncookiesSent': 0, 'Tcp.ActiveOpens': 9 };

test('ListenersTable: exact frame at 80 columns, no colour: the box line, fullest first, "!" on the rows at 80 % or more', () => {
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: false, ascii: true }}>
      <ListenersTable rows={ROWS} totalRows={ROWS.length} selected={0} height={6} width={80} processInfo={null} rates={RATES} />
    </ThemeContext.Provider>,
  );
  // (Ink pads a bold line to the width: compare without trailing blanks)
  assert.equal(strip(lastFrame()).split('\n').map((l) => l.trimEnd()).join('\n'), [
    ' box /s: listen overflows 3 | listen drops 3 | SYN cookies 0',
    '  ADDRESS:PORT       QUEUE/BACKLOG  FILL  GAUGE       SYN_RECV',
    ' !127.0.91.1:19101             3/2  150%  ##########         0',
    ' !10.0.0.1:22                 8/10   80%  ########..         1',
    '  0.0.0.0:80                10/100   10%  #.........         0',
    '  [::]:443                  0/4096    0%  ..........         0',
    '  127.0.0.1:9000               2/?     ?                     0',
  ].join('\n'));
});

test('ListenersTable: OWNER from 100 columns; the full row in red, the 80 % row in yellow, the selection inverse', () => {
  const info = { 4242: { pid: 4242, command: 'slowapp', uid: 0, user: 'root', container: null }, 10: { pid: 10, command: 'nginx', uid: 0, user: 'root', container: null } };
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: true, ascii: false }}>
      <ListenersTable rows={ROWS} totalRows={9} selected={2} height={4} width={100} processInfo={info} rates={{}} />
    </ThemeContext.Provider>,
  );
  const raw = lastFrame() ?? '';
  const lines = strip(raw).split('\n');
  assert.deepEqual(lines.map((l) => l.trimEnd()), [
    ' box /s: (after the second sample) (top 5 of 9)',
    '  ADDRESS:PORT      OWNER                QUEUE/BACKLOG  FILL  GAUGE       SYN_RECV',
    ' !127.0.91.1:19101  slowapp[4242]                  3/2  150%  ██████████         0',
    ' !10.0.0.1:22       -                             8/10   80%  ████████··         1',
    '  0.0.0.0:80        nginx[10] +1                10/100   10%  █·········         0',
  ]);
  const rawLines = raw.split('\n');
  assert.match(rawLines[2], /\x1b\[31m/, 'full (over 100 %): red');
  assert.match(rawLines[3], /\x1b\[33m/, '80 %: yellow');
  assert.doesNotMatch(rawLines[4], /\x1b\[3[13]m/, 'under 80 %: no colour');
  assert.match(rawLines[4], /\x1b\[7m/, 'the selection is inverse');
});

test('ListenersTable: none', () => {
  const { lastFrame } = render(<ListenersTable rows={[]} totalRows={0} selected={0} height={3} width={80} processInfo={null} rates={{}} />);
  assert.equal(strip(lastFrame()).split('\n')[2], '  (no listeners)');
});

test('ListenersTable with every namespace read: another namespace\'s listener says which (@label), ours not', () => {
  const ns = (inode: number, label: string, own: boolean) => ({ inode, pids: [1], reader: 1, label, own, rows: 1, readAt: 1 });
  const rows = ROWS.slice(0, 3).map((r, i) => ({ ...r, netns: i === 0 ? 1 : 0 }));
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: false, ascii: true }}>
      <ListenersTable rows={rows} totalRows={3} selected={0} height={4} width={80} processInfo={null} rates={{}}
        namespaces={[ns(4026531840, 'init', true), ns(4026532200, 'nginx', false)]} />
    </ThemeContext.Provider>,
  );
  assert.deepEqual(strip(lastFrame()).split('\n').slice(2, 5).map((l) => l.trimEnd()), [
    ' !127.0.91.1:19101 @nginx             3/2  150%  ##########         0',
    ' !10.0.0.1:22                        8/10   80%  ########..         1',
    '  0.0.0.0:80                       10/100   10%  #.........         0',
  ]);
});
