/** src/output/check.ts: the built-in fills (conntrack, headroom) and the headroom perfdata of the check line. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, parseRule } from '../../src/model/rules.js';
import { formatCheck, statusOf, withDefaults } from '../../src/output/check.js';
import { snapshotOf } from '../helpers/snapshot.js';

const texts = (rules: { level: string; text: string }[]) => rules.map((r) => `${r.level} ${r.text}`);

test('built-in fills: conntrack and headroom at 80 % (warning) and 90 % (critical), each dropped when a rule names it', () => {
  assert.deepEqual(texts(withDefaults([])), [
    'warning conntrack > 80%', 'critical conntrack > 90%', 'warning headroom > 80%', 'critical headroom > 90%',
  ]);
  assert.deepEqual(texts(withDefaults([parseRule('headroom > 50%', 'warning')])), [
    'warning headroom > 50%', 'warning conntrack > 80%', 'critical conntrack > 90%',
  ]);
  assert.deepEqual(texts(withDefaults([parseRule('conntrack > 50%', 'critical'), parseRule('total > 5', 'warning')])), [
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
