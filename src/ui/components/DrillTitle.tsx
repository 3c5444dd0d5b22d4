import { Text } from 'ink';
import type { Services } from '../../model/services.js';
import { KEY_STATE_COLUMNS } from '../../model/states.js';
import type { PortRow } from '../../model/tally.js';
import type { Focus } from '../../store/store.js';
import { count, padRight, truncate } from '../format.js';
import { useTheme } from '../theme.js';

export interface DrillTitleProps {
  focus: Focus;
  /** The port's row in the snapshot (absent when it has no sockets now). */
  row: PortRow | undefined;
  services: Services;
  width: number;
}

/** The drill-down's title: the port, its service and direction, its total and key states. */
export function DrillTitle({ focus, row, services, width }: DrillTitleProps) {
  const { ascii } = useTheme();
  const name = services.nameOf(focus.port);
  const text =
    `drill-down: port ${focus.port}${name ? ` ${name}` : ''} ${focus.direction}  total ${count(row?.total ?? 0)}  ` +
    KEY_STATE_COLUMNS.map((c) => `${c.header} ${count(row?.states[c.code] ?? 0)}`).join('  ');
  return (
    <Text wrap="truncate" bold>
      {padRight(truncate(text, width, ascii), width)}
    </Text>
  );
}
