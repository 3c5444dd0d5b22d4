import { Box, Text } from 'ink';
import type { Level } from '../../model/rules.js';
import { KEY_STATE_COLUMNS } from '../../model/states.js';
import type { Services } from '../../model/services.js';
import { shortId } from '../../model/owners.js';
import type { NamespaceRow, Owned, PeerRow, PortRow, ProcessRow } from '../../model/tally.js';
import type { NetnsInfo } from '../../sources/allnetns.js';
import type { ProcessInfo } from '../../sources/owners.js';
import { count, padLeft, padRight, textWidth, truncate } from '../format.js';
import { LEVEL_MARK } from '../alertText.js';
import { accent, levelColor, useTheme } from '../theme.js';
import type { Pane } from '../viewState.js';
import { SORT_COLUMNS } from '../viewState.js';

export interface TableProps {
  pane: Pane;
  rows: readonly Row[];
  /** Rows before any cut (shown as "n of m"). */
  totalRows: number;
  sortColumn: number;
  ascending: boolean;
  selected: number;
  /** Lines for the data rows (the header is one more). */
  height: number;
  width: number;
  services: Services;
  /** What the pids in the rows are; null when owners are not looked up (no OWNER column). */
  processInfo: Record<number, ProcessInfo> | null;
  /** The namespaces the namespace rows index (with every namespace read), and the snapshot's time. */
  namespaces?: readonly NetnsInfo[] | null;
  now?: number;
  /** Ports a firing STATE:PORT rule names (ports table): the rows turn the level's colour; under NO_COLOR a mark at the end. */
  marks?: ReadonlyMap<number, Level>;
}

type Row = PortRow | PeerRow | ProcessRow | NamespaceRow;

/** A namespace row's key text: its label, inode and member count; how old its counts are when not read this sample. */
function namespaceText(r: NamespaceRow, list: readonly NetnsInfo[] | null | undefined, now: number): string {
  const e = list?.[r.index];
  if (!e) return `#${r.index}`;
  const age = e.own || e.readAt >= now ? '' : `  (${Math.max(1, Math.round((now - e.readAt) / 1000))}s ago)`;
  return `${e.own ? '* ' : ''}${e.label}  net:[${e.inode}]  ${e.pids.length} pids${age}`;
}

/** The OWNER column (ports and peers, when owners are looked up and the terminal has room). */
const OWNER_WIDTH = 20;
/** Below this width the key column keeps its room and the OWNER column is left out. */
const OWNER_MIN_TERMINAL = 100;

/**
 * A row's owners in one cell: the largest share as "command[pid]", "+N" for the other owners, "?" for
 * sockets whose owner is unknown (not root, or not walked yet), "-" when no process holds any.
 */
export function ownerCell(r: Owned, info: Record<number, ProcessInfo>): string {
  const top = r.owners?.[0];
  const more = (r.ownerCount ?? 0) - (top ? 1 : 0);
  const unknown = (r.unknownOwners ?? 0) > 0;
  if (!top) return unknown ? '?' : '-';
  return `${info[top.pid]?.command ?? '?'}[${top.pid}]${more > 0 ? ` +${more}` : ''}${unknown ? ' ?' : ''}`;
}

/** A process row's key text: pid, command, user and container (short id or unit). */
function processText(p: ProcessRow, info: Record<number, ProcessInfo> | null): string {
  const i = info?.[p.pid];
  if (!i) return `${padLeft(String(p.pid), 7)} (exited)`;
  return `${padLeft(String(p.pid), 7)} ${i.command}  ${i.user}${i.container ? `  ${shortId(i.container)}` : ''}`;
}

const STATE_WIDTHS = KEY_STATE_COLUMNS.map((c) => c.header.length + 2);
const TOTAL_WIDTH = 8;
const FIXED_WIDTH = TOTAL_WIDTH + STATE_WIDTHS.reduce((a, b) => a + b, 0);
/** Ports: the port right-aligned in 5 cells and a space before the service name. */
const PORT_WIDTH = 6;
/** Ports: the direction column (" out"). */
const DIR_WIDTH = 4;

const KEY_HEADERS: Record<Pane, string> = {
  ports: ' PORT SERVICE',
  peers: 'REMOTE HOST',
  peerPorts: 'REMOTE HOST:PORT',
  processes: '    PID COMMAND  USER  CONTAINER',
  namespaces: 'NAMESPACE (* ours)',
  listeners: 'ADDRESS:PORT', // drawn by ListenersTable
  headroom: 'DESTINATION', // drawn by HeadroomPane, not this table
};

function peerText(peer: PeerRow): string {
  if (peer.port === undefined) return peer.address;
  return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/**
 * The key column sized to its content, like k9s: port + the longest service name in the list +
 * direction, or the longest address; never narrower than its header, never wider than what the number
 * columns leave (longer names and addresses are cut). `text` is the part before the direction; one
 * more cell at the end takes the sort marker in the header and separates the TOTAL column.
 */
function keyColumn(pane: Pane, rows: readonly Row[], services: Services, width: number, info: Record<number, ProcessInfo> | null, nsText: (r: Row) => string): { text: number; width: number } {
  const extra = pane === 'ports' ? DIR_WIDTH + 1 : 1;
  let content = 0;
  for (const r of rows) {
    const n = pane === 'ports' ? PORT_WIDTH + textWidth(services.nameOf((r as PortRow).port) ?? '')
      : pane === 'processes' ? textWidth(processText(r as ProcessRow, info))
      : pane === 'namespaces' ? textWidth(nsText(r)) : textWidth(peerText(r as PeerRow));
    if (n > content) content = n;
  }
  const header = KEY_HEADERS[pane].length;
  const text = Math.max(Math.min(header, width - FIXED_WIDTH - extra), Math.min(content, width - FIXED_WIDTH - extra));
  return { text, width: text + extra };
}

/** The key cell of a row: " 5432 postgresql out " for ports, the address (and port) for peers. */
function keyCell(pane: Pane, r: Row, services: Services, cells: number, ascii: boolean, info: Record<number, ProcessInfo> | null, text: (r: Row) => string): string {
  if (pane === 'processes') return padRight(truncate(processText(r as ProcessRow, info), cells, ascii), cells + 1);
  if (pane === 'namespaces') return padRight(truncate(text(r), cells, ascii), cells + 1);
  if (pane === 'ports') {
    const p = r as PortRow;
    const name = truncate(services.nameOf(p.port) ?? '', cells - PORT_WIDTH, ascii);
    return padRight(`${padLeft(String(p.port), PORT_WIDTH - 1)} ${name}`, cells) + padLeft(p.direction, DIR_WIDTH) + ' ';
  }
  return padRight(truncate(peerText(r as PeerRow), cells, ascii), cells + 1);
}

/** The ports / peers table: sorted, the selection highlighted, scrolled to keep it visible. */
export function Table({ pane, rows, totalRows, sortColumn, ascending, selected, height, width, services, processInfo, namespaces, now = 0, marks }: TableProps) {
  const theme = useTheme();
  const owner = processInfo !== null && pane !== 'processes' && pane !== 'namespaces' && width >= OWNER_MIN_TERMINAL;
  const nsText = (r: Row) => namespaceText(r as NamespaceRow, namespaces, now);
  const marked = pane === 'ports' && marks && marks.size > 0 ? marks : null;
  // room for "  !!" at the end of a row when marks are shown
  const markRoom = marked && !theme.color ? 4 : 0;
  const key = keyColumn(pane, rows, services, width - (owner ? OWNER_WIDTH : 0) - markRoom, processInfo, nsText);
  const keyWidth = key.width;
  const arrow = ascending ? (theme.ascii ? '^' : '▲') : theme.ascii ? 'v' : '▼';
  const sortKey = SORT_COLUMNS[sortColumn].key;
  // one cell short of the column: the sort marker goes after the last word
  const keyHead = pane === 'ports' ? padRight(KEY_HEADERS.ports, key.text) + ' DIR' : padRight(KEY_HEADERS[pane], key.text);
  const heads = [
    { text: keyHead, sorted: sortKey === 'key', width: keyWidth, left: true },
    { text: 'TOTAL', sorted: sortKey === 'total', width: TOTAL_WIDTH, left: false },
    ...KEY_STATE_COLUMNS.map((c, i) => ({ text: c.header, sorted: sortKey === c.code, width: STATE_WIDTHS[i], left: false })),
    ...(owner ? [{ text: '  OWNER', sorted: false, width: OWNER_WIDTH, left: true }] : []),
  ];
  const sel = Math.min(selected, Math.max(0, rows.length - 1));
  const offset = Math.max(0, Math.min(sel - height + 1, rows.length - height));
  const visible = rows.slice(offset, offset + height);
  const more = totalRows > rows.length ? ` (top ${rows.length} of ${totalRows})` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {heads.map((h) => {
          const label = h.sorted ? (h.left ? h.text.trimEnd() + arrow : arrow + h.text) : h.text;
          const cell = h.left ? padRight(label, h.width) : padLeft(label, h.width);
          return (
            <Text key={h.text} bold underline={h.sorted} color={h.sorted ? accent(theme, 'info') : undefined}>
              {cell.slice(0, h.width)}
            </Text>
          );
        })}
      </Text>
      {visible.length === 0 ? <Text wrap="truncate">{`  (no ${pane === 'ports' ? 'ports' : pane === 'processes' ? (processInfo ? 'processes' : 'owners: --no-owners') : 'peers'}${more})`}</Text> : null}
      {visible.map((r, i) => {
        const line =
          keyCell(pane, r, services, key.text, theme.ascii, processInfo, nsText) +
          padLeft(count(r.total), TOTAL_WIDTH) +
          KEY_STATE_COLUMNS.map((c, k) => padLeft(r.states[c.code] ? count(r.states[c.code]) : '.', STATE_WIDTHS[k])).join('') +
          (owner ? `  ${truncate(ownerCell(r as Owned, processInfo!), OWNER_WIDTH - 2, theme.ascii)}` : '');
        const level = marked?.get((r as PortRow).port);
        const mark = level && markRoom ? `  ${LEVEL_MARK[level]}` : '';
        return (
          <Text key={offset + i} wrap="truncate" inverse={offset + i === sel} color={level ? levelColor(theme, level) : undefined} bold={!!level}>
            {padRight(truncate(line + mark, width, theme.ascii), width)}
          </Text>
        );
      })}
    </Box>
  );
}
