import { Text } from 'ink';
import { KEY_COUNTERS, type Counters } from '../../model/counters.js';
import type { Level } from '../../model/rules.js';
import type { Conntrack } from '../../sources/conntrack.js';
import { LEVEL_MARK } from '../alertText.js';
import { count, rate } from '../format.js';
import { accent, levelColor, useTheme } from '../theme.js';

export interface CountersStripProps {
  rates: Counters;
  width: number;
  /** conntrack entries against nf_conntrack_max (null or absent: not loaded, nothing shown). */
  conntrack?: Conntrack | null;
  /** The level of a rule on conntrack firing now. */
  conntrackLevel?: Level | null;
}

const PREFIX = ' /s ';
/** conntrack's fill from which the cell is highlighted (as a warning) even without a rule firing. */
export const CONNTRACK_HIGH = 0.8;

/** "conntrack 1,234/262,144 0%": the percent rounded down (79.9 % is not 80 %). */
export function conntrackText(ct: Conntrack): string {
  const pct = ct.max > 0 ? Math.floor((100 * ct.count) / ct.max) : 0;
  return `conntrack ${count(ct.count)}/${count(ct.max)} ${pct}%`;
}

/**
 * Kernel counters per second: opens, resets, retransmits, listen overflows/drops, SYN cookies; then
 * conntrack's fill when nf_conntrack is loaded. The line fits the width (a tighter separator first,
 * then fewer counters; conntrack stays): Ink would cut it with "…" otherwise, and re-cut it every frame.
 */
export function CountersStrip({ rates, width, conntrack, conntrackLevel }: CountersStripProps) {
  const theme = useTheme();
  const high = !!conntrack && conntrack.max > 0 && conntrack.count >= CONNTRACK_HIGH * conntrack.max;
  const ctLevel: Level | null = conntrackLevel ?? (high ? 'warning' : null);
  const ct = conntrack ? conntrackText(conntrack) + (ctLevel && !theme.color ? ` ${LEVEL_MARK[ctLevel]}` : '') : '';
  const ctCell = (sep: string) => (ct ? (
    <Text>
      {sep}
      <Text color={ctLevel ? levelColor(theme, ctLevel) : undefined} bold={!!ctLevel}>{ct}</Text>
    </Text>
  ) : null);
  const known = KEY_COUNTERS.filter((k) => k.name in rates);
  if (known.length === 0) {
    return (
      <Text wrap="truncate">
        {' per second: (after the second sample)'}
        {ctCell('  ')}
      </Text>
    );
  }
  const cells = known.map((k) => `${k.short} ${rate(rates[k.name])}`);
  const lengthWith = (sep: string, n: number) => PREFIX.length + cells.slice(0, n).join(sep).length + (ct ? sep.length + ct.length : 0);
  const sep = [theme.ascii ? ' | ' : ' · ', '  ', ' '].find((x) => lengthWith(x, cells.length) <= width) ?? ' ';
  let n = cells.length;
  while (n > 1 && lengthWith(sep, n) > width) n--;
  return (
    <Text wrap="truncate">
      {PREFIX}
      {known.slice(0, n).map((k, i) => {
        const v = rates[k.name];
        const trouble = v > 0 && (k.name.startsWith('TcpExt.') || k.name === 'Tcp.OutRsts');
        return (
          <Text key={k.name}>
            {i ? sep : ''}
            {k.short} <Text color={trouble ? accent(theme, 'warn') : undefined} bold={trouble}>{rate(v)}</Text>
          </Text>
        );
      })}
      {ctCell(sep)}
    </Text>
  );
}
