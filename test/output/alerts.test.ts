/** Alerts and conntrack in the outputs: --json's `alerts` and `conntrack`, --once's conntrack and ALERT lines. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertTracker } from '../../src/model/alerts.js';
import { parseRule, type Rule } from '../../src/model/rules.js';
import { NO_SERVICES } from '../../src/model/services.js';
import { toJson } from '../../src/output/json.js';
import { formatOnce } from '../../src/output/text.js';
import { snapshotOf } from '../helpers/snapshot.js';

process.env.TZ = 'UTC';

const T = Date.UTC(2026, 10, 26, 7, 41, 3);
const crit = parseRule('CLOSE_WAIT > 500', 'critical');
const fill = parseRule('conntrack > 80%', 'warning');
const res = (rule: Rule, value: number) => ({ rule, level: rule.level, value, threshold: rule.threshold, firing: true });

function snap() {
  const tr = new AlertTracker();
  tr.step([res(crit, 700), res(fill, 81.25)], T);
  const alerts = tr.step([res(crit, 812), res(fill, 85.12345)], T + 1000);
  return snapshotOf([], { time: T + 1000, alerts, conntrack: { count: 8512, max: 10000 } });
}

test('--json: conntrack {count, max}; alerts worst first with level, rule, metric, value (3 decimals), threshold, unit, since', () => {
  const j = toJson(snap(), 'box', NO_SERVICES);
  assert.deepEqual(j.conntrack, { count: 8512, max: 10000 });
  assert.deepEqual(j.alerts, [
    { level: 'critical', rule: 'CLOSE_WAIT > 500', metric: 'CLOSE_WAIT', value: 812, op: '>', threshold: 500, unit: '', since: '2026-11-26T07:41:03.000Z' },
    { level: 'warning', rule: 'conntrack > 80%', metric: 'conntrack', value: 85.123, op: '>', threshold: 80, unit: '%', since: '2026-11-26T07:41:03.000Z' },
  ]);
  const none = toJson(snapshotOf([]), 'box', NO_SERVICES);
  assert.equal(none.conntrack, null);
  assert.deepEqual(none.alerts, []);
});

test('--once: conntrack on the totals line, one ALERT line per rule firing', () => {
  const lines = formatOnce(snap(), { host: 'box', services: NO_SERVICES, width: 80, ascii: false, top: 1 }).split('\n');
  assert.deepEqual(lines.slice(1, 4), [
    'total 0  IPv4 0  IPv6 0  conntrack 8512/10000',
    'ALERT CRIT CLOSE_WAIT 812 > 500 since 07:41:03',
    'ALERT WARN conntrack 85.1% > 80% since 07:41:03',
  ]);
  const plain = formatOnce(snapshotOf([]), { host: 'box', services: NO_SERVICES, width: 80, ascii: false, top: 1 }).split('\n');
  assert.equal(plain[1], 'total 0  IPv4 0  IPv6 0');
  assert.equal(plain[2], '');
});
