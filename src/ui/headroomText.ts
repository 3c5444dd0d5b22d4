/** Pure text for the ephemeral-port headroom, shared by the dashboard pane and the --once summary. */

import { fillPercent, type Headroom, type HeadroomRow } from '../model/headroom.js';

/**
 * The settings that decide the headroom, in two parts: "range 32768–60999 (28232 ports, 10 reserved)"
 * (ASCII: '-') and "tw_reuse 2 (loopback)  fin_timeout 60 s" ('?': not readable).
 */
export function settingsParts(h: Headroom, ascii: boolean): [string, string] {
  const dash = ascii ? '-' : '–';
  const reserved = h.reserved > 0 ? `, ${h.reserved} reserved` : '';
  const tw = h.twReuse === null ? '?' : `${h.twReuse}${h.twReuse === 2 ? ' (loopback)' : ''}`;
  const fin = h.finTimeout === null ? '?' : `${h.finTimeout} s`;
  return [`range ${h.range[0]}${dash}${h.range[1]} (${h.size} ports${reserved})`, `tw_reuse ${tw}  fin_timeout ${fin}`];
}

/** The settings on one line, or on two when one would be wider than `width` (each then cut to it). */
export function settingsLines(h: Headroom, ascii: boolean, width: number, indent = ''): string[] {
  const [range, kernel] = settingsParts(h, ascii);
  const one = `${indent}${range}  ${kernel}`;
  return one.length <= width ? [one] : [`${indent}${range}`, `${indent}${kernel}`];
}

/** "10.0.0.9:5432", "[::1]:443". */
export function destinationText(r: Pick<HeadroomRow, 'remote' | 'port'>): string {
  return r.remote.includes(':') ? `[${r.remote}]:${r.port}` : `${r.remote}:${r.port}`;
}

/** The fill with one decimal, rounded down (79.96 % shows 79.9, never 80.0). */
export function percentText(r: Pick<HeadroomRow, 'used' | 'size'>): string {
  return (Math.floor(fillPercent(r) * 10) / 10).toFixed(1);
}

/**
 * Why there is no headroom to show: /proc/sys answers for this process's namespace, so with --pid
 * (another namespace's sockets) there are no settings to count against; nor where /proc/sys is absent.
 */
export const HEADROOM_UNKNOWN =
  'unknown: no port-range sysctls for these sockets (--pid: another namespace\'s; run tcptally inside it: nsenter -t PID -n tcptally)';
