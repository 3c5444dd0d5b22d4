/**
 * Alerts over time: which rules fire now and since when, and a bounded log of what fired and cleared.
 * Fed one evaluation (src/model/rules.ts) per sample by the sampler. Pure: no I/O, no timers.
 */

import { metricLabel, type Level, type Metric, type Op, type RuleResult } from './rules.js';

/** A rule firing now. */
export interface Firing {
  /** The rule as written. */
  rule: string;
  /** The metric as tcptally prints it: CLOSE_WAIT, CLOSE_WAIT:8080, rate(TIME_WAIT), conntrack. */
  label: string;
  metric: Metric;
  level: Level;
  value: number;
  op: Op;
  threshold: number;
  /** '%' (conntrack fill), '/s' (a rate) or ''. */
  unit: string;
  /** Epoch ms of the first sample it fired in (this time). */
  since: number;
}

/** A rule that started or stopped firing. */
export interface AlertEvent {
  time: number;
  kind: 'fired' | 'cleared';
  rule: string;
  label: string;
  level: Level;
  /** The value in that sample; null when it could no longer be valued (e.g. nf_conntrack unloaded). */
  value: number | null;
  op: Op;
  threshold: number;
  unit: string;
}

export interface Alerts {
  /** Worst level first, then the longest firing. */
  firing: Firing[];
  /** What fired and cleared during the run, oldest first; at most the tracker's log size. */
  log: AlertEvent[];
}

export const NO_ALERTS: Alerts = { firing: [], log: [] };

/** Events the log keeps (the oldest go first). */
export const ALERT_LOG_SIZE = 200;

const RANK: Record<Level, number> = { warning: 1, critical: 2 };

function unitOf(r: RuleResult): string {
  return r.rule.metric.kind === 'rate' ? '/s' : r.rule.percent ? '%' : '';
}

/**
 * Rules' results sample after sample → Alerts. Results come in the order of the rules they were made
 * from, the same list every time (the rules given at start).
 */
export class AlertTracker {
  /** Per rule: the firing entry while it fires. */
  private current: (Firing | null)[] = [];
  private log: AlertEvent[] = [];
  private last: Alerts = NO_ALERTS;

  constructor(private readonly logSize = ALERT_LOG_SIZE) {}

  step(results: readonly RuleResult[], time: number): Alerts {
    const events: AlertEvent[] = [];
    let changed = false;
    results.forEach((r, i) => {
      const was = this.current[i] ?? null;
      const base = { rule: r.rule.text, label: metricLabel(r.rule.metric), level: r.level, op: r.rule.op, threshold: r.threshold, unit: unitOf(r) };
      if (r.firing && r.value !== null) {
        if (!was) events.push({ time, kind: 'fired', value: r.value, ...base });
        // a new object only when the value moved: an unchanged alert is the same object
        if (!was || was.value !== r.value) {
          this.current[i] = { ...base, metric: r.rule.metric, value: r.value, since: was ? was.since : time };
          changed = true;
        }
      } else if (was) {
        events.push({ time, kind: 'cleared', value: r.value, ...base });
        this.current[i] = null;
        changed = true;
      }
    });
    if (events.length > 0) {
      const all = [...this.log, ...events];
      this.log = all.length > this.logSize ? all.slice(all.length - this.logSize) : all;
    }
    if (!changed && events.length === 0) return this.last;
    const firing = this.current.filter((f): f is Firing => f !== null)
      .sort((a, b) => RANK[b.level] - RANK[a.level] || a.since - b.since);
    this.last = { firing, log: this.log };
    return this.last;
  }
}

/** The worst level firing (null: none). */
export function worstLevel(a: Alerts | null | undefined): Level | null {
  let worst: Level | null = null;
  for (const f of a?.firing ?? []) if (!worst || RANK[f.level] > RANK[worst]) worst = f.level;
  return worst;
}

/** --bell: ring when the worst level firing is higher than in the sample before (none < warning < critical). */
export function bellDue(before: Alerts | null | undefined, now: Alerts | null | undefined): boolean {
  const rank = (l: Level | null) => (l ? RANK[l] : 0);
  return rank(worstLevel(now)) > rank(worstLevel(before));
}

/**
 * The worst level firing per key of a metric (the bars: state codes; the ports table: ports; the
 * conntrack cell): `keyOf` names a firing metric's key, or null for metrics it does not colour.
 */
export function levelsBy<K>(a: Alerts | null | undefined, keyOf: (m: Metric) => K | null): Map<K, Level> {
  const m = new Map<K, Level>();
  for (const f of a?.firing ?? []) {
    const k = keyOf(f.metric);
    if (k === null) continue;
    const had = m.get(k);
    if (!had || RANK[f.level] > RANK[had]) m.set(k, f.level);
  }
  return m;
}

/** A value as alerts print it: whole numbers plain, others with one decimal. */
export function alertNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
}

/** "CLOSE_WAIT 812 > 500", "conntrack 91.2% > 90%", "rate(TIME_WAIT) 250/s > 200/s". */
export function alertText(a: Pick<Firing, 'label' | 'op' | 'threshold' | 'unit'> & { value: number | null }): string {
  const v = a.value === null ? '-' : `${alertNumber(a.value)}${a.unit}`;
  return `${a.label} ${v} ${a.op} ${alertNumber(a.threshold)}${a.unit}`;
}
