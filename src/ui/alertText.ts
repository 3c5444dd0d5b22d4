/** Alerts as text: the header's and --once's "CRIT CLOSE_WAIT 812 > 500 since 07:41:03", the alerts view's lines. */

import { alertText, levelsBy, type AlertEvent, type Alerts, type Firing } from '../model/alerts.js';
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

/** What the view colours: the worst level firing per state (its bar), per port (its rows), on conntrack. */
export interface AlertLevels {
  states: ReadonlyMap<number, Level>;
  ports: ReadonlyMap<number, Level>;
  conntrack: Level | null;
}

export function alertLevels(a: Alerts): AlertLevels {
  return {
    // a state's count, or its rate: the state's bar
    states: levelsBy(a, (m) => (m.kind === 'state' || (m.kind === 'rate' && m.code > 0) ? m.code : null)),
    ports: levelsBy(a, (m) => (m.kind === 'port' ? m.port : null)),
    conntrack: levelsBy(a, (m) => (m.kind === 'conntrack' ? 0 : null)).get(0) ?? null,
  };
}
