import { Box, Text } from 'ink';
import { KEY_STATE_COLUMNS } from '../../model/states.js';
import type { Services } from '../../model/services.js';
import type { PeerRow, PortRow } from '../../model/tally.js';
import { count, padLeft, padRight, truncate } from '../format.js';
import { accent, useTheme } from '../theme.js';
import type { Pane } from '../viewState.js';
import { SORT_COLUMNS } from '../viewState.js';

export interface TableProps {
  pane: Pane;
  rows: readonly (PortRow | PeerRow)[];
  /** Rows before any cut (shown as "n of m"). */
  totalRows: number;
  sortColumn: number;
  ascending: boolean;
  selected: number;
  /** Lines for the data rows (the header is one more). */
  height: number;
  width: number;
  services: Services;
}

const STATE_WIDTHS = KEY_STATE_COLUMNS.map((c) => c.header.length + 2);
const TOTAL_WIDTH = 8;

/** The key cell of a row: "5432 postgresql  out" for ports, the address (and port) for peers. */
function keyCell(pane: Pane, r: PortRow | PeerRow, services: Services, w: number, ascii: boolean): string {
  if (pane === 'ports') {
    const p = r as PortRow;
    const name = services.nameOf(p.port) ?? '';
    const left = truncate(`${padLeft(String(p.port), 5)} ${name}`, Math.max(1, w - 4), ascii);
    return padRight(left, w - 4) + padLeft(p.direction, 4);
  }
  const peer = r as PeerRow;
  const text = peer.port === undefined ? peer.address : peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
  return padRight(truncate(text, w, ascii), w);
}

const KEY_HEADERS: Record<Pane, string> = { ports: ' PORT SERVICE', peers: 'REMOTE HOST', peerPorts: 'REMOTE HOST:PORT' };

/** The ports / peers table: sorted, the selection highlighted, scrolled to keep it visible. */
export function Table({ pane, rows, totalRows, sortColumn, ascending, selected, height, width, services }: TableProps) {
  const theme = useTheme();
  const fixed = TOTAL_WIDTH + STATE_WIDTHS.reduce((a, b) => a + b, 0);
  const keyWidth = Math.max(8, width - fixed);
  const arrow = ascending ? (theme.ascii ? '^' : '▲') : theme.ascii ? 'v' : '▼';
  const sortKey = SORT_COLUMNS[sortColumn].key;
  // one cell short of the column: the sort marker goes after the last word
  const keyHead = pane === 'ports' ? padRight(KEY_HEADERS.ports, keyWidth - 5) + ' DIR' : padRight(KEY_HEADERS[pane], keyWidth - 1);
  const heads = [
    { text: keyHead, sorted: sortKey === 'key', width: keyWidth, left: true },
    { text: 'TOTAL', sorted: sortKey === 'total', width: TOTAL_WIDTH, left: false },
    ...KEY_STATE_COLUMNS.map((c, i) => ({ text: c.header, sorted: sortKey === c.code, width: STATE_WIDTHS[i], left: false })),
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
      {visible.length === 0 ? <Text wrap="truncate">{`  (no ${pane === 'ports' ? 'ports' : 'peers'}${more})`}</Text> : null}
      {visible.map((r, i) => {
        const line =
          keyCell(pane, r, services, keyWidth, theme.ascii) +
          padLeft(count(r.total), TOTAL_WIDTH) +
          KEY_STATE_COLUMNS.map((c, k) => padLeft(r.states[c.code] ? count(r.states[c.code]) : '.', STATE_WIDTHS[k])).join('');
        return (
          <Text key={offset + i} wrap="truncate" inverse={offset + i === sel}>
            {padRight(line, width)}
          </Text>
        );
      })}
    </Box>
  );
}
