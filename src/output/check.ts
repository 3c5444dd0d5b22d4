/**
 * --check: rule results → one line in the monitoring-plugins format (Nagios, Icinga, Sensu) and its exit
 * status. `TCPTALLY CRITICAL - CLOSE_WAIT 812 > 500 | ESTABLISHED=40;;;0 … CLOSE_WAIT=812;100;500;0 … total=900;;;0`
 * Perfdata: all eleven states and the total, with warn;crit where a rule on that count sets them, then
 * one quoted item per other metric a rule names, conntrack when it is loaded, and the ephemeral-port
 * headroom (the fullest destination) when it is known.
 */

import { metricLabel, parseRule, type Level, type Op, type Rule, type RuleExtra, type RuleResult } from '../model/rules.js';
import { TCP_STATES } from '../model/states.js';
import type { Tally } from '../model/tally.js';

export const CHECK_OK = 0;
export const CHECK_WARNING = 1;
export const CHECK_CRITICAL = 2;
export const CHECK_UNKNOWN = 3;
export type CheckStatus = 0 | 1 | 2 | 3;

const STATUS_WORD = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** Built-in fills, used unless a rule names conntrack. */
export const DEFAULT_RULES: readonly Rule[] = [parseRule('conntrack > 80%', 'warning'), parseRule('conntrack > 90%', 'critical')];
/** Built-in ephemeral-port fills (the fullest destination against the range), used unless a rule names headroom. */
export const DEFAULT_HEADROOM_RULES: readonly Rule[] = [parseRule('headroom > 80%', 'warning'), parseRule('headroom > 90%', 'critical')];

/**
 * Built-in accept-queue fills, used unless a rule names acceptqueue: warning from 80 % (where the
 * listeners table highlights a row), critical above 100 % (the queue holds backlog + 1 only when it
 * is full: the kernel is dropping or cookie-ing new connections).
 */
export const DEFAULT_ACCEPTQUEUE_RULES: readonly Rule[] = [parseRule('acceptqueue >= 80%', 'warning'), parseRule('acceptqueue > 100%', 'critical')];

/** The rules in force: the given ones, plus each built-in fill (conntrack, acceptqueue, headroom) unless a given rule names its metric. */
export function withDefaults(rules: readonly Rule[]): Rule[] {
  const names = (kind: string) => rules.some((r) => r.metric.kind === kind);
  return [...rules, ...(names('conntrack') ? [] : DEFAULT_RULES), ...(names('acceptqueue') ? [] : DEFAULT_ACCEPTQUEUE_RULES),
    ...(names('headroom') ? [] : DEFAULT_HEADROOM_RULES)];
}

const LEVEL_STATUS: Record<Level, CheckStatus> = { warning: CHECK_WARNING, critical: CHECK_CRITICAL };

export function statusOf(results: readonly RuleResult[]): CheckStatus {
  let worst: CheckStatus = CHECK_OK;
  for (const r of results) if (r.firing && LEVEL_STATUS[r.level] > worst) worst = LEVEL_STATUS[r.level];
  return worst;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
}

function shown(r: RuleResult): string {
  const unit = r.rule.metric.kind === 'rate' ? '/s' : r.rule.percent ? '%' : '';
  return `${metricLabel(r.rule.metric)} ${num(r.value ?? 0)}${unit} ${r.rule.op} ${num(r.threshold)}${unit}`;
}

/**
 * A rule as a plugin threshold range (alert outside it): `> N` → `N`, `< N` → `N:`; on a metric whose
 * values are whole numbers (a count) `>= N` → `N-1` and `<= N` → `N+1:`, exact; on a percentage or a
 * rate the range syntax cannot say "from N on": `N` (N itself is then the rule's alone).
 */
export function rangeOf(op: Op, n: number, wholeValues = true): string {
  const whole = wholeValues && Number.isInteger(n);
  switch (op) {
    case '>': return num(n);
    case '<': return `${num(n)}:`;
    case '>=': return whole ? num(n - 1) : num(n);
    case '<=': return whole ? `${num(n + 1)}:` : `${num(n)}:`;
  }
}

/** The metric's values are whole numbers (counts), not a percentage or a rate per second. */
function countsWhole(r: Rule): boolean {
  return !r.percent && r.metric.kind !== 'rate';
}

function quote(label: string): string {
  return /^[A-Za-z0-9_]+$/.test(label) ? label : `'${label}'`;
}

function perfItem(label: string, value: string, rules: readonly Rule[], min = '0', max = ''): string {
  const first = (level: Level) => rules.find((r) => r.level === level);
  const w = first('warning');
  const c = first('critical');
  const th = (r: Rule | undefined) => (r ? rangeOf(r.op, r.threshold, countsWhole(r)) : '');
  return `${quote(label)}=${value};${th(w)};${th(c)};${min}${max ? `;${max}` : ''}`;
}

export function formatCheck(results: readonly RuleResult[], tally: Pick<Tally, 'states' | 'total'>, extra: RuleExtra = {}): string {
  const status = statusOf(results);
  const firing = results.filter((r) => r.firing).sort((a, b) => LEVEL_STATUS[b.level] - LEVEL_STATUS[a.level]);
  const text = firing.length === 0
    ? `${tally.total} sockets, ${results.length} rules, none firing`
    : firing.map((r) => (status === CHECK_CRITICAL && r.level === 'warning' ? `${shown(r)} (warning)` : shown(r))).join(', ');
  const rules = results.map((r) => r.rule);
  const perf: string[] = [];
  for (const s of TCP_STATES) {
    perf.push(perfItem(s.name, String(tally.states[s.code] ?? 0), rules.filter((r) => r.metric.kind === 'state' && r.metric.code === s.code)));
  }
  perf.push(perfItem('total', String(tally.total), rules.filter((r) => r.metric.kind === 'total')));
  // every other metric a rule names, once (its value from the first result for it)
  const seen = new Set<string>();
  for (const r of results) {
    const m = r.rule.metric;
    if (m.kind === 'state' || m.kind === 'total' || m.kind === 'conntrack' || m.kind === 'headroom') continue;
    const label = metricLabel(m);
    if (seen.has(label) || r.value === null) continue;
    seen.add(label);
    perf.push(perfItem(label, `${num(r.value)}${r.rule.percent ? '%' : ''}`, rules.filter((x) => metricLabel(x.metric) === label), m.kind === 'rate' ? '' : '0'));
  }
  const ct = extra.conntrack;
  if (ct) {
    perf.push(perfItem('conntrack', String(ct.count), rules.filter((r) => r.metric.kind === 'conntrack' && !r.percent), '0', String(ct.max)));
    const pct = ct.max > 0 ? (100 * ct.count) / ct.max : 0;
    perf.push(perfItem('conntrack_fill', `${num(pct)}%`, rules.filter((r) => r.metric.kind === 'conntrack' && r.percent), '0', '100'));
  }
  const hr = extra.headroom;
  if (hr) {
    perf.push(perfItem('headroom', String(hr.used), rules.filter((r) => r.metric.kind === 'headroom' && !r.percent), '0', String(hr.size)));
    const pct = hr.size > 0 ? (100 * hr.used) / hr.size : 0;
    perf.push(perfItem('headroom_fill', `${num(pct)}%`, rules.filter((r) => r.metric.kind === 'headroom' && r.percent), '0', '100'));
  }
  return `TCPTALLY ${STATUS_WORD[status]} - ${text} | ${perf.join(' ')}`;
}

/** The UNKNOWN line: a check that could not be made. */
export function formatUnknown(message: string): string {
  return `TCPTALLY UNKNOWN - ${message.replace(/\|/g, '/').replace(/\s+/g, ' ')}`;
}
