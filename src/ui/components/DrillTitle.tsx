import { Box, Text } from 'ink';
import type { Services } from '../../model/services.js';
import { KEY_STATE_COLUMNS, stateByCode } from '../../model/states.js';
import { shortId } from '../../model/owners.js';
import { AGE_STATES, type NamespaceRow, type PortRow, type ProcessRow } from '../../model/tally.js';
import type { NetnsInfo } from '../../sources/allnetns.js';
import type { ProcessInfo } from '../../sources/owners.js';
import type { Focus } from '../../store/store.js';
import { count, duration, padRight, truncate } from '../format.js';
import { useTheme } from '../theme.js';

export interface DrillTitleProps {
  focus: Focus;
  /** The port's or the process's row in the snapshot (absent when it has no sockets now). */
  row: (PortRow | ProcessRow | Pick<NamespaceRow, 'total' | 'states'>) & { oldest?: number[] } | undefined;
  /** What the process is, for a process's drill-down. */
  info: ProcessInfo | undefined;
  /** The namespace, for a namespace's drill-down. */
  netns?: NetnsInfo;
  services: Services;
  /** The snapshot's time, and since when socket ages are tracked (null: not tracked). */
  now: number;
  agesSince: number | null;
  width: number;
}

/**
 * How old the oldest socket of each AGE_STATES state is: "ESTABLISHED 5m12s  CLOSE_WAIT ≥3m04s". A "≥"
 * marks a socket that was there when tcptally started: its age is at least that.
 */
export function oldestText(row: { oldest?: number[] } | undefined, now: number, since: number, ascii: boolean): string {
  const parts = AGE_STATES.map((code, i) => {
    const first = row?.oldest?.[i] ?? 0;
    const age = first === 0 ? '-' : `${first <= since ? (ascii ? '>=' : '≥') : ''}${duration(now - first)}`;
    return `${stateByCode(code)!.name} ${age}`;
  });
  return `oldest: ${parts.join('  ')}`;
}

/** The drill-down's title: the port, its service and direction, its total and key states; then the ages of its oldest sockets. */
export function DrillTitle({ focus, row, info, netns, services, now, agesSince, width }: DrillTitleProps) {
  const { ascii } = useTheme();
  let subject: string;
  if ('netns' in focus) {
    subject = `namespace ${netns ? `${netns.label} ` : ''}net:[${focus.netns}]`;
  } else if ('pid' in focus) {
    const c = info?.container;
    subject = `process ${info ? `${info.command}[${focus.pid}] user ${info.user}${c ? ` ${c.runtime} ${shortId(c)}` : ''}` : `${focus.pid} (exited)`}`;
  } else {
    const name = services.nameOf(focus.port);
    subject = `port ${focus.port}${name ? ` ${name}` : ''} ${focus.direction}`;
  }
  const text =
    `drill-down: ${subject}  total ${count(row?.total ?? 0)}  ` +
    KEY_STATE_COLUMNS.map((c) => `${c.header} ${count(row?.states[c.code] ?? 0)}`).join('  ');
  const ages = agesSince === null ? '' : oldestText(row, now, agesSince, ascii);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" bold>
        {padRight(truncate(text, width, ascii), width)}
      </Text>
      <Text wrap="truncate">{padRight(truncate(ages, width, ascii), width)}</Text>
    </Box>
  );
}
