import { Box, Text } from 'ink';
import type { Ownership } from '../../model/tally.js';
import { formatBytes } from '../../model/remote.js';
import { PROC_REMOTE_WARN_SOCKETS } from '../../sources/procRemote.js';
import type { RemoteLink, ReplayInfo, Snapshot } from '../../store/store.js';
import { count, ms, padRight, truncate } from '../format.js';
import { firingLine, LEVEL_MARK } from '../alertText.js';
import { accent, useTheme } from '../theme.js';

export interface HeaderProps {
  snap: Snapshot | null;
  host: string;
  os: string;
  intervalMs: number;
  paused: boolean;
  filterText: string | null;
  width: number;
  /** A remote host's link (--ssh): shown instead of this box's name and source. */
  remote?: RemoteLink | null;
}

/** "root@db1 · proc-remote · 12 KB/sample" (the mode and the cost once known). */
export function remoteLabel(l: RemoteLink): string {
  const parts = [l.host];
  if (l.mode) parts.push(l.mode);
  if (l.bytesPerSample > 0) parts.push(`${formatBytes(l.bytesPerSample)}/sample`);
  return parts.join(' · ');
}

/** The link's marker when it is not simply up, and proc-remote's warning on a big host. */
export function remoteMarkers(l: RemoteLink | null | undefined, sockets: number): { text: string; color: 'warn' | 'alert' }[] {
  if (!l) return [];
  const out: { text: string; color: 'warn' | 'alert' }[] = [];
  if (l.state === 'down') out.push({ text: `DOWN: ${l.reason ?? '?'}`, color: 'alert' });
  else if (l.state === 'connecting') out.push({ text: 'CONNECTING', color: 'warn' });
  if (l.mode === 'proc-remote' && sockets > PROC_REMOTE_WARN_SOCKETS) out.push({ text: `${count(sockets)} sockets: proc-remote is heavy, install node ≥ 20 there`, color: 'warn' });
  return out;
}

function seconds(msv: number): string {
  return msv % 1000 === 0 ? `${msv / 1000}s` : `${(msv / 1000).toFixed(msv < 1000 ? 2 : 1).replace(/0$/, '')}s`;
}

/**
 * What is not known of the owners, said plainly: sockets whose owner cannot be read (another user's
 * processes, without root) and sockets not attributed yet. Empty when everything is known.
 */
export function ownersNote(o: Ownership | null, root = process.getuid?.() === 0): string {
  if (!o) return '';
  const parts: string[] = [];
  if (o.unreadable > 0) parts.push(`owners of ${count(o.unreadable)} ${o.unreadable === 1 ? 'socket' : 'sockets'} unreadable${root ? '' : ': not root'}`);
  if (o.pending > 0) parts.push(`${count(o.pending)} not attributed yet`);
  return parts.length ? `  ${parts.join(', ')}` : '';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * `REPLAY 2026-11-26 07:41:03 ×4 ▶ 12/340` (⏸ when paused): the recorded time in local time (TZ; tenths
 * of a second for a recording sampled more often than every second), the speed, playing or not, and
 * which sample of how many.
 */
export function replayMarker(r: ReplayInfo, time: number, ascii: boolean, intervalMs = 1000): string {
  const d = new Date(time);
  const tenths = intervalMs < 1000 ? `.${Math.floor(d.getMilliseconds() / 100)}` : '';
  const when = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}${tenths}`;
  const speed = `${ascii ? 'x' : '×'}${r.speed}`;
  const state = r.playing ? (ascii ? '>' : '▶') : (ascii ? '||' : '⏸');
  return `REPLAY ${when} ${speed} ${state} ${r.index + 1}/${r.count}`;
}

/** Two lines: who/where/how (host, OS, source, interval, cost) and what (totals, markers, filter). */
export function Header({ snap, host, os, intervalMs, paused, filterText, width, remote }: HeaderProps) {
  const theme = useTheme();
  const src = snap ? (snap.sourceSlow ? `${snap.source} (slow)` : snap.source) : '…';
  const stretched = snap && snap.effectiveIntervalMs > intervalMs ? ` → ${seconds(snap.effectiveIntervalMs)}` : '';
  const where = remote ? remoteLabel(remote) : `${host}  src ${src}`;
  const left = `tcptally  ${where}  every ${seconds(intervalMs)}${stretched}  sample ${snap ? ms(snap.sampleMs) : '…'}  ${os}`;
  const markers: { text: string; color: 'warn' | 'alert' | 'info' }[] = [];
  if (snap?.replay) markers.push({ text: replayMarker(snap.replay, snap.time, theme.ascii, snap.intervalMs), color: 'info' });
  // the worst firing rule (worst level, then the oldest); under NO_COLOR its level is also a mark
  const firing = snap?.alerts.firing ?? [];
  const worst = firing[0];
  if (worst) {
    // other metrics firing (a warning on the same metric as the critical shown is not one more)
    const others = new Set(firing.map((f) => f.label)).size - 1;
    const more = others > 0 ? ` +${others} more` : '';
    const text = `${theme.color ? '' : `${LEVEL_MARK[worst.level]} `}${firingLine(worst)}${more}`;
    markers.push({ text: truncate(text, Math.max(10, width - 21), theme.ascii), color: worst.level === 'critical' ? 'alert' : 'warn' });
  }
  if (paused) markers.push({ text: 'PAUSED', color: 'warn' });
  if (snap?.stale) markers.push({ text: stretched ? 'STALE: SLOW SAMPLES' : 'STALE', color: 'alert' });
  markers.push(...remoteMarkers(remote, snap?.tally.scanned ?? 0));
  const markLen = markers.reduce((a, m) => a + m.text.length + 1, 0);
  const t = snap?.tally;
  const totals = t
    ? `sockets ${count(t.total)}${filterText ? ` of ${count(t.scanned)}` : ''}  IPv4 ${count(t.families.v4)}  IPv6 ${count(t.families.v6)}`
    : 'sampling…';
  const filter = filterText ? `  filter: ${filterText}` : '';
  const note = ownersNote(t?.ownership ?? null);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{padRight(truncate(left, Math.max(10, width - markLen), theme.ascii), width - markLen)}</Text>
        {markers.map((m) => (
          <Text key={m.text} inverse color={accent(theme, m.color)}>
            {` ${m.text}`}
          </Text>
        ))}
      </Text>
      <Text wrap="truncate">
        {totals}
        {note ? <Text color={accent(theme, 'warn')}>{truncate(note, Math.max(0, width - totals.length), theme.ascii)}</Text> : null}
        {filter ? <Text color={accent(theme, 'info')} bold>{truncate(filter, Math.max(0, width - totals.length - note.length), theme.ascii)}</Text> : null}
      </Text>
    </Box>
  );
}
