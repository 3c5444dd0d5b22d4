/** Alerts on screen: the header's worst rule, a firing state's bar and port's row in colour (a mark under NO_COLOR), conntrack in the counters strip, the alerts view. */

import '../../helpers/forceColor.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { AlertTracker, type Alerts } from '../../../src/model/alerts.js';
import { parseRule, type Rule, type RuleResult } from '../../../src/model/rules.js';
import { parseServices } from '../../../src/model/services.js';
import type { PortRow } from '../../../src/model/tally.js';
import { AlertsView } from '../../../src/ui/components/AlertsView.js';
import { CountersStrip } from '../../../src/ui/components/CountersStrip.js';
import { Header } from '../../../src/ui/components/Header.js';
import { StateBars } from '../../../src/ui/components/StateBars.js';
import { Table } from '../../../src/ui/components/Table.js';
import { ThemeContext } from '../../../src/ui/theme.js';
import { snapshotOf } from '../../helpers/snapshot.js';

process.env.TZ = 'UTC'; // "since 07:41:03" in UTC

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const counts = (m: Record<number, number>) => Array.from({ length: 12 }, (_, i) => m[i] ?? 0);
const colour = (el: ReactElement) => render(<ThemeContext.Provider value={{ color: true, ascii: false }}>{el}</ThemeContext.Provider>);
const noColour = (el: ReactElement) => render(<ThemeContext.Provider value={{ color: false, ascii: false }}>{el}</ThemeContext.Provider>);
/** SGR codes (FORCE_COLOR=1: the 16 basic colours). */
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const INVERSE = '\x1b[7m';
/** Any SGR code that sets a colour (bold and inverse are not colour). */
const NO_COLOUR = /\x1b\[(3[0-8]|4[0-8]|9[0-7]|10[0-7])m/;

const T = Date.UTC(2026, 10, 26, 7, 41, 3);
const res = (rule: Rule, value: number, firing = true): RuleResult => ({ rule, level: rule.level, value, threshold: rule.threshold, firing });
const critCw = parseRule('CLOSE_WAIT > 500', 'critical');
const warnTw = parseRule('TIME_WAIT > 100', 'warning');
const warnPort = parseRule('CLOSE_WAIT:8080 > 2', 'warning');

/** Alerts after two samples: at T the CLOSE_WAIT and TIME_WAIT rules fire, at T+5 s the port rule too. */
function firing(): Alerts {
  const tr = new AlertTracker();
  tr.step([res(critCw, 700), res(warnTw, 150), res(warnPort, 1, false)], T);
  return tr.step([res(critCw, 812), res(warnTw, 160), res(warnPort, 3)], T + 5000);
}

test('Header: the worst firing rule at the right of the first line, with what, value, threshold, since when and how many more', () => {
  const snap = snapshotOf([], { alerts: firing() });
  const { lastFrame } = colour(<Header snap={snap} host="box" os="Linux" intervalMs={1000} paused={false} filterText={null} width={100} />);
  const [first, second] = strip(lastFrame()).split('\n');
  assert.equal(first.length, 100);
  // the marker takes 49 columns: the host line is cut to the 51 left
  assert.equal(first, 'tcptally  box  src netlink  every 1s  sample 1.5ms… CRIT CLOSE_WAIT 812 > 500 since 07:41:03 +2 more');
  assert.equal(second, 'sockets 0  IPv4 0  IPv6 0');
  // critical: red, inverse
  assert.ok(lastFrame()!.includes(`${RED}${INVERSE} CRIT`) || lastFrame()!.includes(`${INVERSE}${RED} CRIT`), JSON.stringify(lastFrame()));

  // a warning and a critical on the same metric: one problem, no "more"
  const tr = new AlertTracker();
  const same = tr.step([res(critCw, 812), res(parseRule('CLOSE_WAIT > 100', 'warning'), 812)], T);
  const one = colour(<Header snap={snapshotOf([], { alerts: same })} host="box" os="Linux" intervalMs={1000} paused={false} filterText={null} width={100} />);
  assert.ok(strip(one.lastFrame()).split('\n')[0].endsWith(' CRIT CLOSE_WAIT 812 > 500 since 07:41:03'), strip(one.lastFrame()));

  const none = colour(<Header snap={snapshotOf([])} host="box" os="Linux" intervalMs={1000} paused={false} filterText={null} width={100} />);
  assert.doesNotMatch(strip(none.lastFrame()), /CRIT|WARN/);
});

test('Header under NO_COLOR: the level is also a mark ("!!" critical)', () => {
  const { lastFrame } = noColour(<Header snap={snapshotOf([], { alerts: firing() })} host="box" os="Linux" intervalMs={1000} paused={false} filterText={null} width={100} />);
  const first = strip(lastFrame()).split('\n')[0];
  assert.ok(first.endsWith(' !! CRIT CLOSE_WAIT 812 > 500 since 07:41:03 +2 more'), first);
  assert.doesNotMatch(lastFrame()!, NO_COLOUR, 'no colour');
});

// levels whose colours differ from the states' own (ESTABLISHED green, CLOSE_WAIT red)
const barLevels = new Map([[1, 'critical' as const], [8, 'warning' as const]]);

test('StateBars: a firing state\'s name turns its level\'s colour (inverse), its bar too; the frame is unchanged', () => {
  const states = counts({ 1: 40, 6: 20, 8: 10 });
  const { lastFrame } = colour(<StateBars states={states} deltas={counts({})} hideZero trend={0} width={40} levels={barLevels} />);
  const lines = lastFrame()!.split('\n');
  assert.deepEqual(strip(lastFrame()).split('\n'), [
    ' ESTABLISHED       40         ██████████',
    ' TIME_WAIT         20         █████',
    ' CLOSE_WAIT        10         ██▌',
  ]);
  assert.ok(lines[0].includes(RED) && lines[0].includes(INVERSE), `ESTABLISHED red, inverse: ${JSON.stringify(lines[0])}`);
  assert.ok(lines[2].includes(YELLOW) && !lines[2].includes(RED) && lines[2].includes(INVERSE), `CLOSE_WAIT yellow, inverse: ${JSON.stringify(lines[2])}`);
  assert.ok(!lines[1].includes(INVERSE), `TIME_WAIT as always: ${JSON.stringify(lines[1])}`);
});

test('StateBars under NO_COLOR: "!!" critical, "!" warning after the bar (the bars one mark narrower)', () => {
  const states = counts({ 1: 40, 6: 20, 8: 10 });
  const { lastFrame } = noColour(<StateBars states={states} deltas={counts({})} hideZero trend={0} width={40} levels={barLevels} />);
  assert.doesNotMatch(lastFrame()!, NO_COLOUR);
  assert.equal(strip(lastFrame()), [
    ' ESTABLISHED       40         ███████ !!',
    ' TIME_WAIT         20         ███▌',
    ' CLOSE_WAIT        10         █▊ !',
  ].join('\n'));
});

test('CountersStrip: conntrack entries against the maximum after the counters; highlighted from 80 %', () => {
  const rates = { 'Tcp.ActiveOpens': 12 };
  const low = colour(<CountersStrip rates={rates} width={80} conntrack={{ count: 1234, max: 262144 }} />);
  assert.equal(strip(low.lastFrame()), ' /s act.opens 12 · conntrack 1234/262144 0%');
  assert.ok(!low.lastFrame()!.includes(YELLOW), 'below 80 %: plain');
  const under = colour(<CountersStrip rates={rates} width={80} conntrack={{ count: 7999, max: 10000 }} />);
  assert.equal(strip(under.lastFrame()), ' /s act.opens 12 · conntrack 7999/10000 79%');
  assert.ok(!under.lastFrame()!.includes(YELLOW), '79.99 %: plain');
  const high = colour(<CountersStrip rates={rates} width={80} conntrack={{ count: 8000, max: 10000 }} />);
  assert.equal(strip(high.lastFrame()), ' /s act.opens 12 · conntrack 8000/10000 80%');
  assert.ok(high.lastFrame()!.includes(`${YELLOW}conntrack`) || high.lastFrame()!.includes(`conntrack`) && high.lastFrame()!.includes(YELLOW), JSON.stringify(high.lastFrame()));
  // a critical rule on conntrack: red
  const crit = colour(<CountersStrip rates={rates} width={80} conntrack={{ count: 9500, max: 10000 }} conntrackLevel="critical" />);
  assert.ok(crit.lastFrame()!.includes(RED), JSON.stringify(crit.lastFrame()));
  // NO_COLOR: a mark
  const marked = noColour(<CountersStrip rates={rates} width={80} conntrack={{ count: 9500, max: 10000 }} conntrackLevel="critical" />);
  assert.equal(strip(marked.lastFrame()), ' /s act.opens 12 · conntrack 9500/10000 95% !!');
  assert.doesNotMatch(marked.lastFrame()!, NO_COLOUR);
  // before the second sample, conntrack shows all the same
  const first = colour(<CountersStrip rates={{}} width={80} conntrack={{ count: 3, max: 100 }} />);
  assert.equal(strip(first.lastFrame()), ' per second: (after the second sample)  conntrack 3/100 3%');
});

test('CountersStrip without nf_conntrack (null): nothing of it shown', () => {
  const rates = { 'Tcp.ActiveOpens': 12 };
  assert.equal(strip(colour(<CountersStrip rates={rates} width={80} conntrack={null} />).lastFrame()), ' /s act.opens 12');
  assert.equal(strip(colour(<CountersStrip rates={{}} width={80} conntrack={null} />).lastFrame()), ' per second: (after the second sample)');
});

const services = parseServices('http-alt 8080/tcp\nhttp 80/tcp\n');
const ports: PortRow[] = [
  { port: 80, direction: 'in', total: 12, states: counts({ 1: 12 }) },
  { port: 8080, direction: 'in', total: 4, states: counts({ 8: 3, 1: 1 }) },
];

test('Table: the row of a port a firing STATE:PORT rule names is in its colour; under NO_COLOR marked at the end', () => {
  const marks = new Map([[8080, 'warning' as const]]);
  const c = colour(<Table pane="ports" rows={ports} totalRows={2} sortColumn={1} ascending={false} selected={0} height={2} width={80} services={services} processInfo={null} marks={marks} />);
  const lines = c.lastFrame()!.split('\n');
  assert.ok(lines[2].includes(YELLOW), `8080 yellow: ${JSON.stringify(lines[2])}`);
  assert.ok(!lines[1].includes(YELLOW), `80 plain: ${JSON.stringify(lines[1])}`);
  const n = noColour(<Table pane="ports" rows={ports} totalRows={2} sortColumn={1} ascending={false} selected={0} height={2} width={90} services={services} processInfo={null} marks={marks} />);
  assert.doesNotMatch(n.lastFrame()!, NO_COLOUR);
  const plain = strip(n.lastFrame()).split('\n');
  assert.match(plain[2], /^ 8080 http-alt +in +4 +1 +\. +3 +\. +\. +\.  !\s*$/);
  assert.doesNotMatch(plain[1], /!/);
  assert.ok(plain.every((l) => l.length <= 90));
});

test('AlertsView: the events, newest first (time, level, fired/cleared, rule with value and threshold); the status line', () => {
  const tr = new AlertTracker();
  tr.step([res(critCw, 700), res(warnTw, 150, false)], T);
  tr.step([res(critCw, 812), res(warnTw, 150)], T + 2000);
  const a = tr.step([res(critCw, 400, false), res(warnTw, 160)], T + 61_000);
  const { lastFrame } = noColour(<AlertsView alerts={a} scroll={0} height={7} width={80} />);
  assert.equal(strip(lastFrame()), [
    'ALERTS  1 firing  3 events this run, newest first',
    '   07:42:04  CRIT  cleared  CLOSE_WAIT 400 > 500',
    '!  07:41:05  WARN  fired    TIME_WAIT 150 > 100',
    '!! 07:41:03  CRIT  fired    CLOSE_WAIT 700 > 500',
    '',
    '',
    ' alerts 1-3/3  j/k PgUp/PgDn scroll  Esc or a close  q quit                     ',
  ].join('\n'));
  const scrolled = noColour(<AlertsView alerts={a} scroll={1} height={4} width={80} />);
  assert.deepEqual(strip(scrolled.lastFrame()).split('\n').slice(1, 3), ['!  07:41:05  WARN  fired    TIME_WAIT 150 > 100', '!! 07:41:03  CRIT  fired    CLOSE_WAIT 700 > 500']);
  const empty = noColour(<AlertsView alerts={{ firing: [], log: [] }} scroll={0} height={4} width={80} />);
  assert.match(empty.lastFrame()!, /none firing {2}0 events[^]*\(no rule has fired yet\)/);
});
