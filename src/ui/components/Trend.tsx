import { Text } from 'ink';
import type { SeriesStats } from '../../model/history.js';
import { stateByCode } from '../../model/states.js';
import { count, padRight, rate, sparkline } from '../format.js';
import { kindColor, useTheme } from '../theme.js';

export interface TrendProps {
  /** 0 = all sockets, else a state code. */
  series: number;
  /** The latest points of the series (oldest first); the line draws as many as fit. */
  values: readonly number[];
  /** Over the whole history window. */
  stats: SeriesStats;
  width: number;
}

/** A rolling sparkline of one series, with now / min / max / rate per second over the history window. */
export function Trend({ series, values, stats: s, width }: TrendProps) {
  const theme = useTheme();
  const st = stateByCode(series);
  const label = padRight(st ? st.name : 'ALL', 12);
  const sign = s.ratePerSec > 0 ? '+' : '';
  const stats = ` now ${count(s.current)} min ${count(s.min)} max ${count(s.max)} ${sign}${rate(s.ratePerSec)}/s`;
  const sparkWidth = Math.max(0, width - label.length - 2 - stats.length);
  return (
    <Text wrap="truncate">
      {' '}
      <Text bold>{label}</Text>{' '}
      <Text color={st ? kindColor(theme, st.kind) : undefined}>{padRight(sparkline(values, sparkWidth, theme.ascii), sparkWidth)}</Text>
      {stats}
    </Text>
  );
}
