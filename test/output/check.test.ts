/** src/output/check.ts: the built-in fills (conntrack, acceptqueue, headroom) and their perfdata in the check line. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, parseRule } from '../../src/model/rules.js';
import { formatCheck, statusOf, withDefaults } from '../../src/output/check.js';
import { snapshotOf } from '../helpers/snapshot.js';

const tally = { total: 4, states: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0] };
const at = (...fills: (number | null)[]) => ({ listeners: fills.map((fill) => ({ fill })) });

test('built-in accept-queue fills: warning from 80 %, critical above 100 %, unless a rule names acceptqueue', () => {
  const rules = withDefaults([]);
  assert.deepEqual(rules.map((r) => `${r.level} ${r.text}`),
    ['warning conntrack > 80%', 'critical conntrack > 90%', 'warning acceptqueue >= 80%', 'critical acceptqueue > 100%',
      'warning headroom > 80%', 'critical headroom > 90%']);
  const status = (extra: ReturnType<typeof at>) => statusOf(evaluate(rules, { tally: { ...tally, ports: [] }, time: 0 }, null, extra));
  assert.equal(status(at(10, 79.9)), 0);
  assert.equal(status(at(10, 80)), 1);
  assert.equal(status(at(100)), 1);
  assert.equal(status(at(150, null)), 2, 'a full queue shows backlog + 1: 150 % of a backlog of 2');
  assert.equal(status(at(null)), 0, '/proc: backlog unknown, nothing fires');
  const own = withDefaults([parseRule('acceptqueue > 95%', 'critical')]);
  assert.deepEqual(own.filter((r) => r.metric.kind === 'acceptqueue').map((r) => r.text), ['acceptqueue > 95%']);
  assert.equal(own.filter((r) => r.metric.kind === 'conntrack').length, 2, 'the conntrack fills stay');
});

test('the acceptqueue line and perfdata item, in %', () => {
  const rules = [parseRule('acceptqueue > 80%', 'warning')];
  const line = formatCheck(evaluate(rules, { tally: { ...tally, ports: [] }, time: 0 }, null, at(150, 10)), tally);
  assert.match(line, /^TCPTALLY WARNING - acceptqueue 150% > 80% \| /);
  assert.match(line, / acceptqueue=150%;80;;0$/);
  const none = formatCheck(evaluate(rules, { tally: { ...tally, ports: [] }, time: 0 }, null, at(null)), tally);
  assert.match(none, /^TCPTALLY OK - 4 sockets, 1 rules, none firing \| /);
  assert.doesNotMatch(none, /acceptqueue=/, 'no value: no perfdata item');
});

test('perfdata ranges: ">= N" on a count is N-1 (exact), on a percentage or a rate N itself', () => {
  const rules = [parseRule('acceptqueue >= 80%', 'warning'), parseRule('CLOSE_WAIT >= 100', 'warning'), parseRule('rate(TIME_WAIT) >= 50', 'critical')];
  const prev = { tally: { ...tally, ports: [] }, time: 0 };
  const line = formatCheck(evaluate(rules, { tally: { ...tally, ports: [] }, time: 1000 }, prev, at(150, 10)), tally);
  assert.match(line, / acceptqueue=150%;80;;0/);
  assert.match(line, / CLOSE_WAIT=\d+;99;;0/);
  assert.match(line, / 'rate\(TIME_WAIT\)'=0;;50;/);
});

const texts = (rules: { level: string; text: string }[]) => rules.map((r) => `${r.level} ${r.text}`);

test('built-in headroom fills: 80 % (warning) and 90 % (critical), dropped when a rule names headroom', () => {
  const other = (rules: ReturnType<typeof withDefaults>) => texts(rules.filter((r) => r.metric.kind !== 'acceptqueue'));
  assert.deepEqual(other(withDefaults([parseRule('headroom > 50%', 'warning')])), [
    'warning headroom > 50%', 'warning conntrack > 80%', 'critical conntrack > 90%',
  ]);
  assert.deepEqual(other(withDefaults([parseRule('conntrack > 50%', 'critical'), parseRule('total > 5', 'warning')])), [
    'critical conntrack > 50%', 'warning total > 5', 'warning headroom > 80%', 'critical headroom > 90%',
  ]);
});

test('the default headroom rules on the fullest destination: 80 of 100 is OK, 81 WARNING, 91 CRITICAL; unknown is OK', () => {
  const snap = snapshotOf([]);
  const status = (used: number | null) =>
    statusOf(evaluate(withDefaults([]), snap, null, { headroom: used === null ? null : { used, size: 100 } }));
  assert.deepEqual([status(80), status(81), status(90), status(91), status(null)], [0, 1, 1, 2, 0]);
});

test('perfdata: headroom (ports of the fullest destination, max the range) and headroom_fill, with the rules\' thresholds', () => {
  const snap = snapshotOf([]);
  const extra = { headroom: { used: 80, size: 100 } };
  const results = evaluate(withDefaults([parseRule('headroom > 70%', 'warning')]), snap, null, extra);
  const line = formatCheck(results, snap.tally, extra);
  assert.match(line, /^TCPTALLY WARNING - headroom 80% > 70% \| /);
  assert.match(line, / headroom=80;;;0;100 headroom_fill=80%;70;;0;100$/);
  const none = formatCheck(evaluate(withDefaults([]), snap, null, { headroom: null }), snap.tally, { headroom: null });
  assert.doesNotMatch(none, /headroom/, 'unknown: no headroom perfdata');
});
