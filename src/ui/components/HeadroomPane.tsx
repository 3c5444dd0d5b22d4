import { Box, Text } from 'ink';
import { fillPercent, HEADROOM_WARN_PERCENT, type Headroom, type HeadroomRow } from '../../model/headroom.js';
import { bar, padLeft, padRight, truncate, wrap } from '../format.js';
import { destinationText, HEADROOM_UNKNOWN, percentText, settingsParts } from '../headroomText.js';
import { accent, useTheme, type Theme } from '../theme.js';

export interface HeadroomPaneProps {
  /** null: unknown (another namespace's sysctls), or no sample yet (`waiting`). */
  headroom: Headroom | null;
  waiting: boolean;
  selected: number;
  /** Lines for the data rows (the two title lines and the header are more). */
  height: number;
  width: number;
}

/** Fill at which a row turns from the warning colour to the alert colour (the built-in critical rule). */
const ALERT_PERCENT = 90;
const USED_WIDTH = 13;
const PCT_WIDTH = 7;
const MIN_GAUGE = 8;

/** The two title lines: the settings that decide the headroom, then how many destinations there are. */
function titleLines(h: Headroom | null, waiting: boolean, width: number, ascii: boolean): [string, string] {
  if (!h) {
    if (waiting) return ['ephemeral-port headroom: waiting for the first sample', ''];
    const [a = '', b = ''] = wrap('ephemeral-port headroom ', HEADROOM_UNKNOWN, width, 2);
    return [a, b];
  }
  const [range, kernel] = settingsParts(h, ascii);
  const what = `${h.count} destination${h.count === 1 ? '' : 's'}${h.foreign > 0 ? ' (our namespace only)' : ''}, TIME_WAIT included`;
  const one = `ephemeral ports: ${range}  ${kernel}`;
  if (one.length <= width) return [one, what];
  return [`ephemeral ports: ${range}`, `${kernel}  ${what}`];
}

function rowColor(theme: Theme, r: HeadroomRow): string | undefined {
  const p = fillPercent(r);
  return p >= ALERT_PERCENT ? accent(theme, 'alert') : p >= HEADROOM_WARN_PERCENT ? accent(theme, 'warn') : undefined;
}

/**
 * The headroom table: per destination (local address → remote address:port) the ephemeral ports in
 * use against the range, with a gauge; rows at ≥ 80 % in the warning colour (≥ 90 %: alert), marked
 * with '!' when there is no colour. Most used first; the selection scrolls it.
 */
export function HeadroomPane({ headroom, waiting, selected, height, width }: HeadroomPaneProps) {
  const theme = useTheme();
  const { ascii } = theme;
  const [title, sub] = titleLines(headroom, waiting, width, ascii);
  const rows = headroom?.rows ?? [];
  const room = Math.max(0, width - 2 - USED_WIDTH - PCT_WIDTH - 2 - 3 - MIN_GAUGE);
  const lw = Math.min(Math.max(5, ...rows.map((r) => r.local.length)), Math.max(9, Math.floor(room * 0.4)));
  const dw = Math.min(Math.max(11, ...rows.map((r) => destinationText(r).length)), Math.max(11, room - lw));
  const gauge = Math.max(MIN_GAUGE, width - 2 - lw - 2 - dw - USED_WIDTH - PCT_WIDTH - 2);
  const head = `  ${padRight('LOCAL', lw)}  ${padRight('REMOTE:PORT', dw)}${padLeft('USED/SIZE', USED_WIDTH)}${padLeft('%', PCT_WIDTH)}  GAUGE`;
  const sel = Math.min(selected, Math.max(0, rows.length - 1));
  const offset = Math.max(0, Math.min(sel - height + 1, rows.length - height));
  const visible = rows.slice(offset, offset + height);
  const empty = headroom && rows.length === 0 ? '  (no connection holds an ephemeral port)' : null;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>{padRight(truncate(title, width, ascii), width)}</Text>
      <Text wrap="truncate">{padRight(truncate(sub, width, ascii), width)}</Text>
      <Text wrap="truncate" bold>{padRight(truncate(head, width, ascii), width)}</Text>
      {empty ? <Text wrap="truncate">{empty}</Text> : null}
      {visible.map((r, i) => {
        const hot = fillPercent(r) >= HEADROOM_WARN_PERCENT;
        const mark = hot && !theme.color ? '!' : ' ';
        const fill = bar(r.used, r.size, gauge - 2, ascii);
        const line = `${mark} ${padRight(truncate(r.local, lw, ascii), lw)}  ${padRight(truncate(destinationText(r), dw, ascii), dw)}` +
          `${padLeft(`${r.used}/${r.size}`, USED_WIDTH)}${padLeft(percentText(r), PCT_WIDTH)}  [${padRight(fill, gauge - 2)}]`;
        return (
          <Text key={offset + i} wrap="truncate" inverse={offset + i === sel} color={rowColor(theme, r)}>
            {padRight(truncate(line, width, ascii), width)}
          </Text>
        );
      })}
    </Box>
  );
}
