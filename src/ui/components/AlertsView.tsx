import { Box, Text } from 'ink';
import type { Alerts } from '../../model/alerts.js';
import { eventLine, LEVEL_MARK } from '../alertText.js';
import { padRight, truncate } from '../format.js';
import { accent, levelColor, useTheme } from '../theme.js';

export interface AlertsViewProps {
  alerts: Alerts;
  /** Events scrolled past (from the newest). */
  scroll: number;
  /** Lines for the whole screen: a title, the events, a status line. */
  height: number;
  width: number;
}

/** Event lines one page of the view shows at `height`. */
export const alertsPage = (height: number) => Math.max(1, height - 2);

/**
 * The alerts view (key a): what fired and cleared during the run, newest first: time, level, fired or
 * cleared, the rule's metric, its value then, the threshold. A fired line is in the level's colour
 * (under NO_COLOR marked "!" / "!!"), a cleared one dim.
 */
export function AlertsView({ alerts, scroll, height, width }: AlertsViewProps) {
  const theme = useTheme();
  const page = alertsPage(height);
  const events = alerts.log.slice().reverse();
  const body = events.slice(scroll, scroll + page);
  const n = alerts.firing.length;
  const title = `ALERTS  ${n === 0 ? 'none firing' : `${n} firing`}  ${events.length} events this run, newest first`;
  const range = events.length ? `${scroll + 1}-${Math.min(events.length, scroll + page)}/${events.length}` : '0/0';
  const status = ` alerts ${range}  j/k PgUp/PgDn scroll  Esc or a close  q quit`;
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">{truncate(title, width, theme.ascii)}</Text>
      {body.length === 0 ? <Text wrap="truncate">  (no rule has fired yet)</Text> : null}
      {body.map((e, i) => {
        const fired = e.kind === 'fired';
        const mark = fired && !theme.color ? `${LEVEL_MARK[e.level]} ` : '';
        return (
          <Text key={i} wrap="truncate" color={fired ? levelColor(theme, e.level) : accent(theme, 'dim')}>
            {truncate(`${theme.color ? '  ' : padRight(mark, 3)}${eventLine(e)}`, width, theme.ascii)}
          </Text>
        );
      })}
      <Box flexGrow={1} />
      <Text inverse wrap="truncate">
        {padRight(status, width)}
      </Text>
    </Box>
  );
}
