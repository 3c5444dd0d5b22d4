/** The --once human summary: like `ss -s`, but every state, with the ports and peers behind them. */

import { KEY_COUNTERS } from '../model/counters.js';
import { KEY_STATE_COLUMNS, TCP_STATES } from '../model/states.js';
import type { Services } from '../model/services.js';
import type { CountRow } from '../model/tally.js';
import type { Snapshot } from '../store/store.js';
import { isHigh } from '../model/listeners.js';
import { firingLine } from '../ui/alertText.js';
import { bar, count, ms, padLeft, padRight, truncate, wrap } from '../ui/format.js';
import { fillText, hostPort, queueText } from '../ui/listenerText.js';
import { destinationText, HEADROOM_UNKNOWN, percentText, settingsLines } from '../ui/headroomText.js';
import { HEADROOM_WARN_PERCENT, fillPercent } from '../model/headroom.js';

export interface TextOptions {
  host: string;
  services: Services;
  width: number;
  ascii: boolean;
  /** Rows in the ports and peers lists. */
  top: number;
}

function stateCells(r: CountRow): string {
  return KEY_STATE_COLUMNS.map((c) => padLeft(count(r.states[c.code]), c.header.length + 1)).join('');
}

function stateHeaders(): string {
  return KEY_STATE_COLUMNS.map((c) => padLeft(c.header, c.header.length + 1)).join('');
}

/** Rows of the ephemeral-port section at most: a short look; the dashboard and --json have the rest. */
const HEADROOM_ROWS = 5;

/** The ephemeral-port headroom: the settings, then the fullest destinations (≥ 80 % marked with '!'). */
function headroomLines(s: Snapshot, o: TextOptions): string[] {
  const h = s.headroom;
  if (!h) return wrap('EPHEMERAL PORTS ', HEADROOM_UNKNOWN, o.width, 2);
  const out = ['EPHEMERAL PORTS in use per destination (TIME_WAIT included)', ...settingsLines(h, o.ascii, o.width, '  ').map((l) => truncate(l, o.width, o.ascii))];
  const rows = h.rows.slice(0, Math.min(o.top, HEADROOM_ROWS));
  if (h.count === 0) out.push('  (no connection holds an ephemeral port)');
  else if (rows.length > 0) {
    const lw = Math.min(24, Math.max(5, ...rows.map((r) => r.local.length)));
    const dw = Math.min(30, Math.max(11, ...rows.map((r) => destinationText(r).length)));
    out.push(`  ${padRight('LOCAL', lw)}  ${padRight('REMOTE:PORT', dw)}  ${padLeft('USED/SIZE', 13)}  ${padLeft('%', 5)}`);
    for (const r of rows) {
      const mark = fillPercent(r) >= HEADROOM_WARN_PERCENT ? '!' : ' ';
      out.push(`${mark} ${padRight(truncate(r.local, lw, o.ascii), lw)}  ${padRight(truncate(destinationText(r), dw, o.ascii), dw)}  ` +
        `${padLeft(`${r.used}/${r.size}`, 13)}  ${padLeft(percentText(r), 5)}`);
    }
  }
  if (h.count > rows.length) out.push(`  … ${h.count - rows.length} more`);
  return out;
}

export function formatOnce(s: Snapshot, o: TextOptions): string {
  const t = s.tally;
  const lines: string[] = [];
  const src = s.sourceSlow ? `${s.source} (slow fallback)` : s.source;
  lines.push(
    `tcptally  ${o.host}  ${new Date(s.time).toISOString()}  source ${src}  sample ${ms(s.sampleMs)}` +
      (s.filter ? `  filter: ${s.filter}` : ''),
  );
  const ct = s.conntrack ? `  conntrack ${s.conntrack.count}/${s.conntrack.max}` : '';
  lines.push(`total ${t.total}  IPv4 ${t.families.v4}  IPv6 ${t.families.v6}` + (s.filter ? `  (of ${t.scanned})` : '') + ct);
  for (const f of s.alerts.firing) lines.push(`ALERT ${firingLine(f)}`);
  lines.push('');
  const max = Math.max(1, ...t.states.slice(1));
  const barWidth = Math.max(4, o.width - 21);
  for (const st of TCP_STATES) {
    const n = t.states[st.code];
    lines.push(`${padRight(st.name, 12)} ${padLeft(String(n), 7)} ${bar(n, max, barWidth, o.ascii)}`.trimEnd());
  }
  lines.push('');
  lines.push(`${padRight('SERVICE PORT', 22)} DIR   TOTAL${stateHeaders()}`);
  if (t.ports.length === 0) lines.push('  (none)');
  for (const p of t.ports.slice(0, o.top)) {
    const name = o.services.nameOf(p.port);
    const label = truncate(`${p.port}${name ? ` ${name}` : ''}`, 22, o.ascii);
    lines.push(`${padRight(label, 22)} ${padRight(p.direction, 3)} ${padLeft(count(p.total), 7)}${stateCells(p)}`);
  }
  if (t.portCount > o.top) lines.push(`  … ${t.portCount - o.top} more`);
  lines.push('');
  lines.push(`${padRight('PEER', 26)}   TOTAL${stateHeaders()}`);
  if (t.peers.length === 0) lines.push('  (none)');
  for (const p of t.peers.slice(0, o.top)) {
    lines.push(`${padRight(truncate(p.address, 26, o.ascii), 26)} ${padLeft(count(p.total), 7)}${stateCells(p)}`);
  }
  if (t.peerCount > o.top) lines.push(`  … ${t.peerCount - o.top} more`);
  lines.push('');
  if (s.listeners) {
    // a queue at or above 80 % of its backlog is marked "!" (and sorted first)
    lines.push(`${padRight('LISTENER', 30)}   QUEUE/BACKLOG  FILL  SYN_RECV`);
    if (s.listeners.length === 0) lines.push('  (none)');
    for (const l of s.listeners.slice(0, o.top)) {
      lines.push(`${padRight(truncate(hostPort(l.address, l.port), 30, o.ascii), 30)} ${isHigh(l) ? '!' : ' '} ${padLeft(queueText(l), 13)} ${padLeft(fillText(l), 5)} ${padLeft(count(l.synRecv), 9)}`);
    }
    if (s.listenerCount > o.top) lines.push(`  … ${s.listenerCount - o.top} more`);
    lines.push('');
  }
  lines.push(...headroomLines(s, o));
  lines.push('');
  const parts = KEY_COUNTERS.filter((k) => k.name in s.counters).map((k) => `${k.label} ${s.counters[k.name]}`);
  if (parts.length) {
    lines.push('COUNTERS since boot');
    let line = '';
    for (const p of parts) {
      if (line && line.length + p.length + 3 > o.width) {
        lines.push(line);
        line = '';
      }
      line = line ? `${line} · ${p}` : p;
    }
    if (line) lines.push(line);
  }
  let out = lines.join('\n') + '\n';
  if (o.ascii) out = out.replace(/…/g, '...').replace(/·/g, '|');
  return out;
}
