import { Box, Text } from 'ink';
import type { Level } from '../../model/rules.js';
import { TCP_STATES } from '../../model/states.js';
import { bar, count, delta, padLeft, padRight } from '../format.js';
import { LEVEL_MARK } from '../alertText.js';
import { kindColor, levelColor, useTheme } from '../theme.js';

export interface StateBarsProps {
  states: readonly number[];
  deltas: readonly number[];
  hideZero: boolean;
  /** The state the trend shows (0 = total), marked with '>'. */
  trend: number;
  width: number;
  /** States a firing rule names: the name turns the level's colour (inverse), the bar too; under NO_COLOR a mark after the bar. */
  levels?: ReadonlyMap<number, Level>;
}

/** The states to show: all eleven, or the non-zero ones (at least one line). */
export function visibleStates(states: readonly number[], hideZero: boolean) {
  if (!hideZero) return TCP_STATES;
  const nz = TCP_STATES.filter((s) => (states[s.code] ?? 0) > 0);
  return nz.length ? nz : TCP_STATES.slice(0, 1);
}

/** One row per state: name, count, change since the previous sample, and a bar (largest = full width). */
export function StateBars({ states, deltas, hideZero, trend, width, levels }: StateBarsProps) {
  const theme = useTheme();
  const rows = visibleStates(states, hideZero);
  const max = Math.max(1, ...TCP_STATES.map((s) => states[s.code] ?? 0));
  // room for " !!" after the bars when marks are shown
  const marks = !theme.color && !!levels && levels.size > 0;
  const barWidth = Math.max(1, width - 30 - (marks ? 3 : 0));
  return (
    <Box flexDirection="column">
      {rows.map((s) => {
        const n = states[s.code] ?? 0;
        const d = deltas[s.code] ?? 0;
        const level = levels?.get(s.code);
        const color = level ? levelColor(theme, level) : kindColor(theme, s.kind);
        return (
          <Text key={s.code} wrap="truncate">
            {trend === s.code ? '>' : ' '}
            <Text color={color} inverse={!!level} bold={!!level}>{padRight(s.name, 12)}</Text>
            {padLeft(count(n), 8)}
            {' '}
            <Text color={d > 0 ? kindColor(theme, 'trouble') : d < 0 ? kindColor(theme, 'open') : undefined}>{padRight(delta(d), 7)}</Text>
            {' '}
            <Text color={color}>{bar(n, max, barWidth, theme.ascii)}</Text>
            {level && marks ? ` ${LEVEL_MARK[level]}` : ''}
          </Text>
        );
      })}
    </Box>
  );
}
