/**
 * Alert rules: a small language, and their evaluation against a sample. Pure: no I/O.
 *
 *   RULE   = METRIC OP NUMBER ["%"]
 *   METRIC = STATE                 a state's count (CLOSE_WAIT, close-wait, cw, ESTAB, … any case)
 *          | STATE ":" PORT        that state on one service port (the port's rows, in and out, summed)
 *          | "rate(" STATE ")"     change of a state's count per second since the previous sample
 *          | "rate(total)"         the same for all sockets
 *          | "total"               all sockets (that passed the filter)
 *          | "conntrack"           conntrack entries; with "%", entries against nf_conntrack_max
 *          | "acceptqueue"         the fullest listener's accept queue against its backlog, in "%" (required)
 *          | "headroom"            sockets of the fullest destination on ephemeral ports; with "%", against
 *                                  the ephemeral range (src/model/headroom.ts)
 *   OP     = > | >= | < | <=
 *
 * A rule that cannot be valued (a rate on the first sample, conntrack without nf_conntrack, acceptqueue
 * with no listener whose backlog is known, headroom of another namespace) does not fire.
 */

import { stateByCode, stateCodeOf } from './states.js';
import type { Tally } from './tally.js';

export type Level = 'warning' | 'critical';
export type Op = '>' | '>=' | '<' | '<=';

export type Metric =
  | { kind: 'state'; code: number }
  | { kind: 'port'; code: number; port: number }
  | { kind: 'rate'; code: number } // code 0: all sockets
  | { kind: 'total' }
  | { kind: 'conntrack' }
  | { kind: 'acceptqueue' }
  | { kind: 'headroom' };

export interface Rule {
  /** The rule as written. */
  text: string;
  level: Level;
  metric: Metric;
  op: Op;
  threshold: number;
  /** The threshold is a percentage (conntrack and headroom; always for acceptqueue). */
  percent: boolean;
}

export interface RuleResult {
  rule: Rule;
  level: Level;
  /** null when the rule cannot be valued in this sample (it does not fire). */
  value: number | null;
  threshold: number;
  firing: boolean;
}

/** What a rule reads besides the tally: conntrack's count and max (null: not loaded). */
export interface RuleInputs {
  tally: Pick<Tally, 'states' | 'total' | 'ports'>;
  /** Epoch ms of the sample. */
  time: number;
}
export interface RuleExtra {
  conntrack?: { count: number; max: number } | null;
  /** The listeners (their fills, in %; null: backlog unknown); null or absent: not listed. */
  listeners?: readonly { fill: number | null }[] | null;
  /** The fullest destination's ephemeral ports in use and the range's size (null: unknown). */
  headroom?: { used: number; size: number } | null;
}

export class RuleError extends Error {
  constructor(readonly rule: string, readonly column: number, what: string) {
    super(`bad rule "${rule.length > 60 ? `${rule.slice(0, 57)}...` : rule}": ${what} at column ${column}`);
    this.name = 'RuleError';
  }
}

/** At most this many characters in a rule. */
export const MAX_RULE_LENGTH = 200;

const OPS: readonly Op[] = ['>=', '<=', '>', '<'];
const NUMBER = /^\d+(\.\d+)?/;

/** Parses one rule; a RuleError names the rule and the column (1-based) of what is wrong. */
export function parseRule(text: string, level: Level): Rule {
  if (text.length > MAX_RULE_LENGTH) throw new RuleError(text, MAX_RULE_LENGTH + 1, `too long (at most ${MAX_RULE_LENGTH} characters)`);
  let i = 0;
  const skip = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const col = () => i + 1;
  const fail = (what: string): never => { throw new RuleError(text, col(), what); };
  const got = () => (i >= text.length ? 'the end' : `"${text.slice(i).split(/\s/)[0]}"`);

  skip();
  const wordStart = i;
  const word = /^[A-Za-z][A-Za-z0-9_-]*/.exec(text.slice(i))?.[0];
  if (!word) fail(`expected a state, total, conntrack, acceptqueue, headroom or rate(STATE), got ${got()}`);
  i += word!.length;
  let metric: Metric;
  const lower = word!.toLowerCase();
  if (lower === 'rate' && text[i] === '(') {
    i++;
    skip();
    const inner = /^[A-Za-z][A-Za-z0-9_-]*/.exec(text.slice(i))?.[0];
    const code = inner === undefined ? 0 : inner.toLowerCase() === 'total' ? -1 : stateCodeOf(inner);
    if (!inner || code === 0) fail(`expected a state or total in rate( ), got ${got()}`);
    i += inner!.length;
    skip();
    if (text[i] !== ')') fail(`expected ")", got ${got()}`);
    i++;
    metric = { kind: 'rate', code: code === -1 ? 0 : code };
  } else if (lower === 'total') {
    metric = { kind: 'total' };
  } else if (lower === 'conntrack') {
    metric = { kind: 'conntrack' };
  } else if (lower === 'acceptqueue') {
    metric = { kind: 'acceptqueue' };
  } else if (lower === 'headroom') {
    metric = { kind: 'headroom' };
  } else {
    const code = stateCodeOf(word!);
    if (code === 0) { i = wordStart; fail(`expected a state, total, conntrack, acceptqueue, headroom or rate(STATE), got "${word}"`); }
    if (text[i] === ':') {
      i++;
      const digits = /^\d+/.exec(text.slice(i))?.[0];
      if (!digits || Number(digits) < 1 || Number(digits) > 65535) fail(`expected a port 1 to 65535, got ${got()}`);
      i += digits!.length;
      metric = { kind: 'port', code, port: Number(digits) };
    } else {
      metric = { kind: 'state', code };
    }
  }
  skip();
  const op = OPS.find((o) => text.startsWith(o, i));
  if (!op) fail(`expected one of > >= < <=, got ${got()}`);
  i += op!.length;
  skip();
  const num = NUMBER.exec(text.slice(i))?.[0];
  if (!num) fail(`expected a number, got ${got()}`);
  i += num!.length;
  let percent = false;
  if (text[i] === '%') {
    if (metric.kind !== 'conntrack' && metric.kind !== 'acceptqueue' && metric.kind !== 'headroom') fail('"%" applies only to conntrack, acceptqueue and headroom');
    percent = true;
    i++;
  } else if (metric.kind === 'acceptqueue') {
    fail('acceptqueue is a fill of the backlog: the number needs "%"');
  }
  skip();
  if (i < text.length) fail(`expected the end of the rule, got ${got()}`);
  return { text: text.trim(), level, metric, op: op!, threshold: Number(num), percent };
}

/** The metric's name as tcptally prints it: CLOSE_WAIT, CLOSE_WAIT:8080, rate(TIME_WAIT), total, conntrack. */
export function metricLabel(m: Metric): string {
  const name = (code: number) => (code === 0 ? 'total' : stateByCode(code)!.name);
  switch (m.kind) {
    case 'state': return name(m.code);
    case 'port': return `${name(m.code)}:${m.port}`;
    case 'rate': return `rate(${name(m.code)})`;
    case 'total': return 'total';
    case 'conntrack': return 'conntrack';
    case 'acceptqueue': return 'acceptqueue';
    case 'headroom': return 'headroom';
  }
}

function compare(value: number, op: Op, threshold: number): boolean {
  switch (op) {
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '<': return value < threshold;
    case '<=': return value <= threshold;
  }
}

/** The sockets of state `code` (0: all) on service port `port`, its in and out rows summed. */
function onPort(t: RuleInputs['tally'], code: number, port: number): number {
  let n = 0;
  for (const r of t.ports) if (r.port === port) n += code === 0 ? r.total : r.states[code] ?? 0;
  return n;
}

function count(t: RuleInputs['tally'], code: number): number {
  return code === 0 ? t.total : t.states[code] ?? 0;
}

/** The largest fill of the listeners whose backlog is known; null when there is none. */
function fullest(listeners: RuleExtra['listeners']): number | null {
  let max: number | null = null;
  for (const l of listeners ?? []) if (l.fill !== null && (max === null || l.fill > max)) max = l.fill;
  return max;
}

/** The metric's value in this sample, or null when it cannot be valued. */
export function valueOf(rule: Rule, now: RuleInputs, prev?: RuleInputs | null, extra: RuleExtra = {}): number | null {
  const m = rule.metric;
  switch (m.kind) {
    case 'state': return count(now.tally, m.code);
    case 'port': return onPort(now.tally, m.code, m.port);
    case 'total': return now.tally.total;
    case 'rate': {
      if (!prev || now.time <= prev.time) return null;
      return (count(now.tally, m.code) - count(prev.tally, m.code)) / ((now.time - prev.time) / 1000);
    }
    case 'conntrack': {
      const ct = extra.conntrack;
      if (!ct) return null;
      if (!rule.percent) return ct.count;
      return ct.max > 0 ? (100 * ct.count) / ct.max : null;
    }
    case 'acceptqueue': return fullest(extra.listeners);
    case 'headroom': {
      const h = extra.headroom;
      if (!h) return null;
      if (!rule.percent) return h.used;
      return h.size > 0 ? (100 * h.used) / h.size : null;
    }
  }
}

/** Every rule against one sample (and the previous one, for rates). */
export function evaluate(rules: readonly Rule[], snapshot: RuleInputs, prev?: RuleInputs | null, extra: RuleExtra = {}): RuleResult[] {
  return rules.map((rule) => {
    const value = valueOf(rule, snapshot, prev, extra);
    return { rule, level: rule.level, value, threshold: rule.threshold, firing: value !== null && compare(value, rule.op, rule.threshold) };
  });
}

/** A config file: one `warn RULE` or `crit RULE` per line; `#` starts a comment; blank lines are skipped. */
export class ConfigError extends Error {
  constructor(readonly line: number, what: string) {
    super(`config line ${line}: ${what}`);
    this.name = 'ConfigError';
  }
}

export function parseRulesConfig(text: string): Rule[] {
  const rules: Rule[] = [];
  text.split('\n').forEach((raw, n) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const level = m[1] === 'warn' ? 'warning' : m[1] === 'crit' ? 'critical' : null;
    if (!level) throw new ConfigError(n + 1, `expected "warn RULE" or "crit RULE", got "${m[1].slice(0, 40)}"`);
    if (m[2] === '') throw new ConfigError(n + 1, `"${m[1]}" needs a rule`);
    try {
      rules.push(parseRule(m[2], level));
    } catch (err) {
      if (err instanceof RuleError) throw new ConfigError(n + 1, err.message);
      throw err;
    }
  });
  return rules;
}
