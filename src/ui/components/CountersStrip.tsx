import { Text } from 'ink';
import { KEY_COUNTERS, type Counters } from '../../model/counters.js';
import { rate } from '../format.js';
import { accent, useTheme } from '../theme.js';

export interface CountersStripProps {
  rates: Counters;
  width: number;
}

/** Kernel counters per second: opens, resets, retransmits, listen overflows/drops, SYN cookies. */
export function CountersStrip({ rates, width }: CountersStripProps) {
  const theme = useTheme();
  const known = KEY_COUNTERS.filter((k) => k.name in rates);
  if (known.length === 0) return <Text wrap="truncate"> per second: (after the second sample)</Text>;
  const sep = theme.ascii ? ' | ' : ' · ';
  return (
    <Text wrap="truncate">
      {' /s '}
      {known.map((k, i) => {
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
