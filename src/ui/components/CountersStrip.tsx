import { Text } from 'ink';
import { KEY_COUNTERS, type Counters } from '../../model/counters.js';
import { rate } from '../format.js';
import { accent, useTheme } from '../theme.js';

export interface CountersStripProps {
  rates: Counters;
  width: number;
}

const PREFIX = ' /s ';

/**
 * Kernel counters per second: opens, resets, retransmits, listen overflows/drops, SYN cookies. The line
 * fits the width (a tighter separator first, then fewer counters): Ink would cut it with "…" otherwise,
 * and re-cut it every frame.
 */
export function CountersStrip({ rates, width }: CountersStripProps) {
  const theme = useTheme();
  const known = KEY_COUNTERS.filter((k) => k.name in rates);
  if (known.length === 0) return <Text wrap="truncate"> per second: (after the second sample)</Text>;
  const cells = known.map((k) => `${k.short} ${rate(rates[k.name])}`);
  const lengthWith = (sep: string, n: number) => PREFIX.length + cells.slice(0, n).join(sep).length;
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
    </Text>
  );
}
