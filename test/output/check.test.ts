import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, parseRule } from '../../src/model/rules.js';
import { formatCheck, statusOf, withDefaults } from '../../src/output/check.js';

const tally = { total: 4, states: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0] };
const at = (...fills: (number | null)[]) => ({ listeners: fills.map((fill) => ({ fill })) });

test('built-in accept-queue fills: warning from 80 %, critical above 100 %, unless a rule names acceptqueue', () => {
  const rules = withDefaults([]);
  assert.deepEqual(rules.map((r) => `${r.level} ${r.text}`),
    ['warning conntrack > 80%', 'critical conntrack > 90%', 'warning acceptqueue >= 80%', 'critical acceptqueue > 100%']);
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
