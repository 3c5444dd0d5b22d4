import { Box, Text } from 'ink';
import type { Firing } from '../../model/alerts.js';
import { formatBytes } from '../../model/remote.js';
import type { Level } from '../../model/rules.js';
import { TCP } from '../../model/states.js';
import type { FleetRow } from '../../store/fleet.js';
import { count, delta, duration, padLeft, padRight, truncate } from '../format.js';
import { BINDINGS } from '../keymap.js';
import { accent, useTheme } from '../theme.js';

const HINTS = BINDINGS.filter((b) => b.hint && b.contexts.includes('fleet'));

/** The fleet's state columns, most telling first; as many as the width holds are shown. */
const STATE_COLUMNS: readonly { code: number; header: string }[] = [
  { code: TCP.ESTABLISHED, header: 'ESTAB' },
  { code: TCP.TIME_WAIT, header: 'TIME_W' },
  { code: TCP.CLOSE_WAIT, header: 'CLOSE_W' },
  { code: TCP.LISTEN, header: 'LISTEN' },
  { code: TCP.SYN_RECV, header: 'SYN_RCV' },
  { code: TCP.SYN_SENT, header: 'SYN_SNT' },
  { code: TCP.FIN_WAIT1, header: 'FIN_W1' },
  { code: TCP.FIN_WAIT2, header: 'FIN_W2' },
  { code: TCP.LAST_ACK, header: 'LAST_ACK' },
  { code: TCP.CLOSING, header: 'CLOSING' },
  { code: TCP.CLOSE, header: 'CLOSE' },
];
const LINK_W = 6;
const ALERTS_W = 9;
const TOTAL_W = 14;
const STATE_W = 13;
const MODE_W = 6;
const BYTES_W = 10;

export interface FleetLine {
  text: string;
  down: boolean;
  /** The worst alert firing on the host (its row's colour). */
  alert?: Level | null;
}

function worst(firing: readonly Firing[]): Level | null {
  return firing.some((f) => f.level === 'critical') ? 'critical' : firing.length ? 'warning' : null;
}

/** The rules firing on a host: "2 crit" (how many, the worst level), '' for none. */
function alertsCell(firing: readonly Firing[]): string {
  const w = worst(firing);
  return w ? `${firing.length} ${w === 'critical' ? 'crit' : 'warn'}` : '';
}

/** "12 +3": a count and its change since the host's previous sample. */
function withDelta(n: number, d: number): string {
  const ds = delta(d);
  return ds ? `${count(n)} ${ds}` : count(n);
}

/**
 * The fleet table as text at a width: a header and a row per host (link, total, per-state counts with
 * their change since the previous sample, mode, bytes per sample). A host that is down shows
 * "down: <reason>" (and when it is tried again) instead of its counts.
 */
export function fleetLines(rows: readonly FleetRow[], width: number, now: number, ascii = false): { header: string; lines: FleetLine[] } {
  const hostW = Math.min(28, Math.max(6, ...rows.map((r) => r.host.length))) + 2;
  const fixed = hostW + LINK_W + ALERTS_W + TOTAL_W + MODE_W + BYTES_W;
  const nStates = Math.max(0, Math.min(STATE_COLUMNS.length, Math.floor((width - fixed) / STATE_W)));
  const states = STATE_COLUMNS.slice(0, nStates);
  const header = padRight('HOST', hostW) + padRight('LINK', LINK_W) + padRight('ALERTS', ALERTS_W) + padLeft('TOTAL', TOTAL_W) +
    states.map((c) => padLeft(c.header, STATE_W)).join('') + padLeft('MODE', MODE_W) + padLeft('B/SAMPLE', BYTES_W);
  const lines = rows.map((r): FleetLine => {
    const host = padRight(truncate(r.host, hostW - 2, ascii), hostW);
    const l = r.link;
    if (l.state === 'down') {
      const retry = l.retryAt !== null ? ` (retry in ${duration(Math.max(0, l.retryAt - now))})` : '';
      return { text: truncate(host + `down: ${l.reason ?? '?'}${retry}`, width, ascii), down: true };
    }
    const t = r.snap?.tally;
    if (!t || !r.snap) return { text: truncate(host + (l.state === 'connecting' ? 'connecting…' : 'waiting for the first sample…'), width, ascii), down: false };
    const d = r.snap.deltas;
    const d0 = d.reduce((a, b) => a + b, 0);
    return {
      text: host + padRight(l.state === 'up' ? 'up' : 'conn', LINK_W) + padRight(alertsCell(r.snap.alerts?.firing ?? []), ALERTS_W) +
        padLeft(withDelta(t.total, d0), TOTAL_W) +
        states.map((c) => padLeft(withDelta(t.states[c.code] ?? 0, d[c.code] ?? 0), STATE_W)).join('') +
        padLeft(l.mode === 'node-remote' ? 'node' : l.mode === 'proc-remote' ? 'proc' : '', MODE_W) +
        padLeft(l.bytesPerSample ? formatBytes(l.bytesPerSample) : '', BYTES_W),
      down: false,
      alert: worst(r.snap.alerts?.firing ?? []),
    };
  });
  return { header, lines };
}

export interface FleetProps {
  rows: readonly FleetRow[];
  selected: number;
  width: number;
  height: number;
  now: number;
}

/** The fleet view: a title, the table (the selection highlighted), and the keys. */
export function Fleet({ rows, selected, width, height, now }: FleetProps) {
  const theme = useTheme();
  const { header, lines } = fleetLines(rows, width, now, theme.ascii);
  const up = rows.filter((r) => r.link.state === 'up').length;
  const down = rows.filter((r) => r.link.state === 'down').length;
  const room = Math.max(1, height - 3);
  const offset = Math.max(0, Math.min(selected - room + 1, lines.length - room));
  const title = `tcptally fleet  ${rows.length} hosts  up ${up}  down ${down}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold>{padRight(truncate(title, width, theme.ascii), width)}</Text>
      <Text wrap="truncate" bold underline>{padRight(truncate(header, width, theme.ascii), width)}</Text>
      {lines.slice(offset, offset + room).map((l, i) => (
        <Text key={offset + i} wrap="truncate" inverse={offset + i === selected}
          color={l.down || l.alert === 'critical' ? accent(theme, 'alert') : l.alert === 'warning' ? accent(theme, 'warn') : undefined}>
          {padRight(truncate(l.text, width, theme.ascii), width)}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text wrap="truncate" color={accent(theme, 'dim')}>{truncate(HINTS.map((b) => `${b.label.split(/\s+/)[0]} ${b.hint}`).join('  '), width, theme.ascii)}</Text>
    </Box>
  );
}
