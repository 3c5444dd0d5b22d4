import { Text } from 'ink';
import type { Counters } from '../../model/counters.js';
import { isHigh, type ListenerRow } from '../../model/listeners.js';
import type { NetnsInfo } from '../../sources/allnetns.js';
import type { ProcessInfo } from '../../sources/owners.js';
import { bar, count, padLeft, padRight, rate, textWidth, truncate } from '../format.js';
import { fillText, hostPort, queueText } from '../listenerText.js';
import { accent, useTheme } from '../theme.js';

export interface ListenersTableProps {
  rows: readonly ListenerRow[];
  /** Listeners before the cut (shown as "top n of m"). */
  totalRows: number;
  selected: number;
  /** Lines for the box-wide line and the data rows (the column header is one more). */
  height: number;
  width: number;
  /** What the pids are; null when owners are not looked up (no OWNER column). */
  processInfo: Record<number, ProcessInfo> | null;
  /** Per-second counter rates: the box's listen overflows, listen drops and SYN cookies. */
  rates: Counters;
  /** With every namespace read: the sample's namespaces; another namespace's listener says which. */
  namespaces?: readonly NetnsInfo[] | null;
}

const BOX_COUNTERS = [
  { name: 'TcpExt.ListenOverflows', label: 'listen overflows' },
  { name: 'TcpExt.ListenDrops', label: 'listen drops' },
  { name: 'TcpExt.SyncookiesSent', label: 'SYN cookies' },
];

const MARK_WIDTH = 2;
const QUEUE_WIDTH = 14;
const FILL_WIDTH = 6;
const GAUGE_WIDTH = 10;
const SYN_WIDTH = 10;
const OWNER_WIDTH = 20;
/** Below this width the address keeps its room and the OWNER column is left out. */
const OWNER_MIN_TERMINAL = 100;
const FIXED = MARK_WIDTH + QUEUE_WIDTH + FILL_WIDTH + 2 + GAUGE_WIDTH + SYN_WIDTH;
const KEY_HEADER = 'ADDRESS:PORT';

/** A listener's owners in one cell: "command[pid]" and "+N" more, "?" unknown (not root, not walked yet), "-" none. */
export function listenerOwnerCell(r: ListenerRow, info: Record<number, ProcessInfo>): string {
  const o = r.owners;
  if (o === undefined || o === 'none') return '-';
  if (typeof o === 'string' || o.length === 0) return '?';
  return `${info[o[0]]?.command ?? '?'}[${o[0]}]${o.length > 1 ? ` +${o.length - 1}` : ''}`;
}

/** A listener's address:port, and "@label" when it is another network namespace's (a container's). */
export function listenerKey(r: ListenerRow, namespaces: readonly NetnsInfo[] | null | undefined): string {
  const key = hostPort(r.address, r.port);
  if (!namespaces || r.netns === 0) return key;
  return `${key} @${namespaces[r.netns]?.label ?? `netns ${r.netns}`}`;
}

/** The fill as a gauge of GAUGE_WIDTH cells (a full backlog fills it); blank when the backlog is unknown. */
function gauge(r: ListenerRow, ascii: boolean): string {
  if (r.fill === null) return ' '.repeat(GAUGE_WIDTH);
  const g = bar(Math.min(100, r.fill), 100, GAUGE_WIDTH, ascii);
  return g + (ascii ? '.' : '·').repeat(GAUGE_WIDTH - textWidth(g));
}

/**
 * The listeners table: one line of the box's listen overflows, drops and SYN cookies per second, then
 * per LISTEN socket its address (with --all-netns, another namespace's label after it), owner, accept queue / backlog, fill, a gauge and SYN_RECV. A queue at
 * 80 % or more of its backlog is marked "!" (in colour also yellow; over 100 %, full, red); it sorts first.
 */
export function ListenersTable({ rows, totalRows, selected, height, width, processInfo, rates, namespaces }: ListenersTableProps) {
  const theme = useTheme();
  const owner = processInfo !== null && width >= OWNER_MIN_TERMINAL;
  const room = width - FIXED - (owner ? OWNER_WIDTH : 0) - 2;
  let content = KEY_HEADER.length;
  for (const r of rows) content = Math.max(content, textWidth(listenerKey(r, namespaces)));
  const keyText = Math.max(1, Math.min(content, room));
  const sep = theme.ascii ? ' | ' : ' · ';
  const known = BOX_COUNTERS.filter((k) => k.name in rates);
  const more = totalRows > rows.length ? ` (top ${rows.length} of ${totalRows})` : '';
  const dataRows = Math.max(0, height - 1);
  const sel = Math.min(selected, Math.max(0, rows.length - 1));
  const offset = Math.max(0, Math.min(sel - dataRows + 1, rows.length - dataRows));
  const visible = rows.slice(offset, offset + dataRows);
  const head = ' '.repeat(MARK_WIDTH) + padRight(KEY_HEADER, keyText + 2) + (owner ? padRight('OWNER', OWNER_WIDTH) : '') +
    padLeft('QUEUE/BACKLOG', QUEUE_WIDTH) + padLeft('FILL', FILL_WIDTH) + '  ' + padRight('GAUGE', GAUGE_WIDTH) + padLeft('SYN_RECV', SYN_WIDTH);
  return (
    <>
      <Text wrap="truncate">
        {' box /s: '}
        {known.length === 0 ? '(after the second sample)' : known.map((k, i) => {
          const v = rates[k.name];
          return (
            <Text key={k.name}>
              {i ? sep : ''}
              {k.label} <Text color={v > 0 ? accent(theme, 'warn') : undefined} bold={v > 0}>{rate(v)}</Text>
            </Text>
          );
        })}
        {more}
      </Text>
      <Text wrap="truncate" bold>{truncate(head, width, theme.ascii)}</Text>
      {visible.length === 0 ? <Text wrap="truncate">  (no listeners)</Text> : null}
      {visible.map((r, i) => {
        const high = isHigh(r);
        const line = (high ? ' !' : '  ') + padRight(truncate(listenerKey(r, namespaces), keyText, theme.ascii), keyText + 2) +
          (owner ? padRight(truncate(listenerOwnerCell(r, processInfo!), OWNER_WIDTH - 2, theme.ascii), OWNER_WIDTH) : '') +
          padLeft(queueText(r), QUEUE_WIDTH) + padLeft(fillText(r), FILL_WIDTH) + '  ' + gauge(r, theme.ascii) +
          padLeft(count(r.synRecv), SYN_WIDTH);
        const color = high ? accent(theme, r.fill! > 100 ? 'alert' : 'warn') : undefined;
        return (
          <Text key={offset + i} wrap="truncate" inverse={offset + i === sel} color={color} bold={high}>
            {padRight(truncate(line, width, theme.ascii), width)}
          </Text>
        );
      })}
    </>
  );
}
