/** Alerts as text: the header's and --once's "CRIT CLOSE_WAIT 812 > 500 since 07:41:03", the alerts view's lines. */

import { alertText, type AlertEvent, type Firing } from '../model/alerts.js';
import type { Level } from '../model/rules.js';

export const LEVEL_WORD: Record<Level, string> = { warning: 'WARN', critical: 'CRIT' };

/** Under NO_COLOR the level is a marker: "!" warning, "!!" critical. */
export const LEVEL_MARK: Record<Level, string> = { warning: '!', critical: '!!' };

/** HH:MM:SS of an epoch ms, local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** "CRIT CLOSE_WAIT 812 > 500 since 07:41:03". */
export function firingLine(f: Firing): string {
  return `${LEVEL_WORD[f.level]} ${alertText(f)} since ${clockTime(f.since)}`;
}

/** An alerts-view line: "07:41:03  CRIT  fired    CLOSE_WAIT 812 > 500". */
export function eventLine(e: AlertEvent): string {
  return `${clockTime(e.time)}  ${LEVEL_WORD[e.level]}  ${e.kind.padEnd(7)}  ${alertText(e)}`;
}
