import { Box, Text } from 'ink';
import { TCP_STATES } from '../../model/states.js';
import { bar, count, delta, padLeft, padRight } from '../format.js';
import { kindColor, useTheme } from '../theme.js';

export interface StateBarsProps {
  states: readonly number[];
  deltas: readonly number[];
  hideZero: boolean;
  /** The state the trend shows (0 = total), marked with '>'. */
  trend: number;
  width: number;
}

/** The states to show: all eleven, or the non-zero ones (at least one line). */
export function visibleStates(states: readonly number[], hideZero: boolean) {
  if (!hideZero) return TCP_STATES;
  const nz = TCP_STATES.filter((s) => (states[s.code] ?? 0) > 0);
  return nz.length ? nz : TCP_STATES.slice(0, 1);
}

/** One row per state: name, count, change since the previous sample, and a bar (largest = full width). */
export function StateBars({ states, deltas, hideZero, trend, width }: StateBarsProps) {
  const theme = useTheme();
  const rows = visibleStates(states, hideZero);
  const max = Math.max(1, ...TCP_STATES.map((s) => states[s.code] ?? 0));
  const barWidth = Math.max(1, width - 30);
  return (
    <Box flexDirection="column">
      {rows.map((s) => {
        const n = states[s.code] ?? 0;
        const d = deltas[s.code] ?? 0;
        const color = kindColor(theme, s.kind);
        return (
          <Text key={s.code} wrap="truncate">
            {trend === s.code ? '>' : ' '}
            <Text color={color}>{padRight(s.name, 12)}</Text>
            {padLeft(count(n), 8)}
            {' '}
            <Text color={d > 0 ? kindColor(theme, 'trouble') : d < 0 ? kindColor(theme, 'open') : undefined}>{padRight(delta(d), 7)}</Text>
            {' '}
            <Text color={color}>{bar(n, max, barWidth, theme.ascii)}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
