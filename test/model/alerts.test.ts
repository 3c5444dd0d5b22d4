import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertTracker, alertText, bellDue, levelsBy, NO_ALERTS, worstLevel, type Alerts } from '../../src/model/alerts.js';
import { parseRule, type Rule, type RuleResult } from '../../src/model/rules.js';

const warnCw = parseRule('CLOSE_WAIT > 100', 'warning');
const critCw = parseRule('CLOSE_WAIT > 500', 'critical');
const warnTw = parseRule('rate(TIME_WAIT) > 200', 'warning');

/** A result as evaluate() makes it: the value, and whether the rule holds for it (given, not computed). */
function res(rule: Rule, value: number | null, firing: boolean): RuleResult {
  return { rule, level: rule.level, value, threshold: rule.threshold, firing };
}

const T0 = 1_764_000_000_000;

describe('AlertTracker', () => {
  test('fire, hold, clear: since is the first firing sample; the log has fired then cleared', () => {
    const tr = new AlertTracker();
    const a0 = tr.step([res(warnCw, 50, false)], T0);
    assert.deepEqual(a0, { firing: [], log: [] });

    const a1 = tr.step([res(warnCw, 150, true)], T0 + 1000);
    assert.equal(a1.firing.length, 1);
    assert.deepEqual(
      { ...a1.firing[0], metric: undefined },
      { rule: 'CLOSE_WAIT > 100', label: 'CLOSE_WAIT', metric: undefined, level: 'warning', value: 150, op: '>', threshold: 100, unit: '', since: T0 + 1000 },
    );
    assert.deepEqual(a1.log, [{ time: T0 + 1000, kind: 'fired', rule: 'CLOSE_WAIT > 100', label: 'CLOSE_WAIT', level: 'warning', value: 150, op: '>', threshold: 100, unit: '' }]);

    // held: the value moves, since does not, nothing is logged
    const a2 = tr.step([res(warnCw, 180, true)], T0 + 2000);
    assert.equal(a2.firing[0].value, 180);
    assert.equal(a2.firing[0].since, T0 + 1000);
    assert.equal(a2.log.length, 1);
    // held with the same value: the very same object (the view re-renders nothing)
    assert.equal(tr.step([res(warnCw, 180, true)], T0 + 3000), a2);

    const a4 = tr.step([res(warnCw, 90, false)], T0 + 4000);
    assert.deepEqual(a4.firing, []);
    assert.deepEqual(a4.log.map((e) => [e.kind, e.time, e.value]), [['fired', T0 + 1000, 150], ['cleared', T0 + 4000, 90]]);

    // fires again: a new since
    const a5 = tr.step([res(warnCw, 120, true)], T0 + 5000);
    assert.equal(a5.firing[0].since, T0 + 5000);
    assert.equal(a5.log.length, 3);
  });

  test('escalate warning → critical: both fire, critical first; back down to warning; a rule that cannot be valued clears', () => {
    const tr = new AlertTracker();
    tr.step([res(warnCw, 200, true), res(critCw, 200, false), res(warnTw, null, false)], T0);
    const up = tr.step([res(warnCw, 600, true), res(critCw, 600, true), res(warnTw, 300, true)], T0 + 1000);
    assert.deepEqual(up.firing.map((f) => [f.level, f.rule, f.since]), [
      ['critical', 'CLOSE_WAIT > 500', T0 + 1000],
      ['warning', 'CLOSE_WAIT > 100', T0],
      ['warning', 'rate(TIME_WAIT) > 200', T0 + 1000],
    ]);
    assert.equal(worstLevel(up), 'critical');
    assert.equal(up.firing[2].unit, '/s');

    const down = tr.step([res(warnCw, 300, true), res(critCw, 300, false), res(warnTw, null, false)], T0 + 2000);
    assert.deepEqual(down.firing.map((f) => f.rule), ['CLOSE_WAIT > 100']);
    assert.deepEqual(down.log.slice(-2).map((e) => [e.kind, e.rule, e.value]), [['cleared', 'CLOSE_WAIT > 500', 300], ['cleared', 'rate(TIME_WAIT) > 200', null]]);
    assert.equal(worstLevel(down), 'warning');
  });

  test('the log keeps the newest events only', () => {
    const tr = new AlertTracker(5);
    let a: Alerts = NO_ALERTS;
    for (let i = 0; i < 8; i++) a = tr.step([res(warnCw, 100 + i, i % 2 === 0)], T0 + i * 1000);
    assert.equal(a.log.length, 5);
    assert.deepEqual(a.log.map((e) => e.time), [3, 4, 5, 6, 7].map((i) => T0 + i * 1000));
  });
});

describe('the bell', () => {
  test('rings when the worst level rises: none → warning, warning → critical; not while it holds or falls', () => {
    const tr = new AlertTracker();
    const seq: [number, number][] = [[50, 50], [150, 150], [160, 160], [600, 600], [700, 700], [300, 300], [600, 600], [10, 10], [700, 700]];
    const rang: boolean[] = [];
    let before: Alerts | null = null;
    seq.forEach(([w, c], i) => {
      const now = tr.step([res(warnCw, w, w > 100), res(critCw, c, c > 500)], T0 + i * 1000);
      rang.push(bellDue(before, now));
      before = now;
    });
    assert.deepEqual(rang, [false, true, false, true, false, false, true, false, true]);
  });

  test('with no snapshot before, any alert rings; none never does', () => {
    const tr = new AlertTracker();
    assert.equal(bellDue(null, tr.step([res(critCw, 600, true)], T0)), true);
    assert.equal(bellDue(null, NO_ALERTS), false);
  });
});

test('levelsBy: the worst level per key the caller names; alertText prints value, op, threshold with units', () => {
  const tr = new AlertTracker();
  const pct = parseRule('conntrack > 80%', 'warning');
  const port = parseRule('CLOSE_WAIT:8080 >= 3', 'critical');
  const a = tr.step([res(warnCw, 600, true), res(critCw, 600, true), res(pct, 85.26, true), res(port, 4, true)], T0);
  const byState = levelsBy(a, (m) => (m.kind === 'state' ? m.code : null));
  assert.deepEqual([...byState], [[8, 'critical']]);
  const byPort = levelsBy(a, (m) => (m.kind === 'port' ? m.port : null));
  assert.deepEqual([...byPort], [[8080, 'critical']]);
  const texts = a.firing.map((f) => alertText(f));
  assert.deepEqual(texts, ['CLOSE_WAIT 600 > 500', 'CLOSE_WAIT:8080 4 >= 3', 'CLOSE_WAIT 600 > 100', 'conntrack 85.3% > 80%']);
});
