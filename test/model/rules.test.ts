import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, evaluate, metricLabel, parseRule, parseRulesConfig, RuleError, type RuleInputs } from '../../src/model/rules.js';
import { tableOf } from '../../src/model/records.js';
import { tally } from '../../src/model/tally.js';
import type { SocketRecord } from '../../src/model/table.js';

// A box: a service on 8080 (2 ESTABLISHED, 3 CLOSE_WAIT, its listener), a client of 5432 (1 TIME_WAIT,
// 1 CLOSE_WAIT), and a client of 8080 elsewhere (out, 1 CLOSE_WAIT): 9 sockets.
const SOCKETS: SocketRecord[] = [
  { family: 4, state: 10, laddr: '0.0.0.0', lport: 8080, raddr: '0.0.0.0', rport: 0 },
  { family: 4, state: 1, laddr: '10.0.0.1', lport: 8080, raddr: '10.0.0.7', rport: 40000 },
  { family: 4, state: 1, laddr: '10.0.0.1', lport: 8080, raddr: '10.0.0.7', rport: 40001 },
  { family: 4, state: 8, laddr: '10.0.0.1', lport: 8080, raddr: '10.0.0.7', rport: 40002 },
  { family: 4, state: 8, laddr: '10.0.0.1', lport: 8080, raddr: '10.0.0.8', rport: 40003 },
  { family: 6, state: 8, laddr: '2001:db8::1', lport: 8080, raddr: '2001:db8::9', rport: 40004 },
  { family: 4, state: 6, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: 8, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.9', rport: 5432 },
  { family: 4, state: 8, laddr: '10.0.0.2', lport: 50002, raddr: '10.0.0.10', rport: 8080 },
];
const T0 = 1_000_000;
const now: RuleInputs = { tally: tally(tableOf(SOCKETS)), time: T0 + 2000 };
// two seconds earlier: 3 fewer sockets (the last CLOSE_WAIT on 8080 in, and the two 5432 ones)
const prev: RuleInputs = { tally: tally(tableOf(SOCKETS.slice(0, 5).concat(SOCKETS.slice(8)))), time: T0 };

// rule → value, fires at warning level
const VALUES: [string, number | null, boolean][] = [
  ['CLOSE_WAIT > 4', 5, true],
  ['close_wait > 5', 5, false],
  ['CLOSE_WAIT >= 5', 5, true],
  ['close-wait < 6', 5, true],
  ['cw <= 4', 5, false],
  ['ESTAB > 1', 2, true],
  ['established>=2', 2, true],
  ['TIME-WAIT > 0', 1, true],
  ['LISTEN < 1', 1, false],
  ['SYN_RECV > 0', 0, false],
  ['total > 8', 9, true],
  ['TOTAL > 9', 9, false],
  // port rows: 8080 in (3 CLOSE_WAIT) and 8080 out (1) summed; 5432 out
  ['CLOSE_WAIT:8080 > 3', 4, true],
  ['CLOSE_WAIT:8080 > 4', 4, false],
  ['ESTABLISHED:8080 >= 2', 2, true],
  ['TIME_WAIT:5432 > 0', 1, true],
  ['CLOSE_WAIT:9999 > 0', 0, false],
  // rates over 2 s: CLOSE_WAIT 3 → 5, TIME_WAIT 0 → 1, total 6 → 9
  ['rate(CLOSE_WAIT) > 0.9', 1, true],
  ['rate(close-wait) > 1', 1, false],
  ['rate(tw) >= 0.5', 0.5, true],
  ['rate(total) > 1.4', 1.5, true],
  ['rate( ESTAB ) < 0', 0, false],
  // conntrack 850 of 1000 entries
  ['conntrack > 80%', 85, true],
  ['conntrack > 90%', 85, false],
  ['conntrack >= 850', 850, true],
  // listeners at 150 % (a full queue: backlog + 1), 10 % and unknown (/proc): the fullest counts
  ['acceptqueue > 80%', 150, true],
  ['AcceptQueue >= 150%', 150, true],
  ['acceptqueue > 150%', 150, false],
  ['acceptqueue < 100%', 150, false],
  // headroom: the fullest destination holds 80 of 100 ephemeral ports
  ['headroom > 70%', 80, true],
  ['HEADROOM > 80%', 80, false],
  ['headroom >= 80%', 80, true],
  ['headroom > 79', 80, true],
  ['headroom < 50%', 80, false],
];
const LISTENERS = [{ fill: 10 }, { fill: null }, { fill: 150 }];

for (const [text, value, firing] of VALUES) {
  test(`evaluate ${text} → ${value} ${firing ? 'fires' : 'quiet'}`, () => {
    const [r] = evaluate([parseRule(text, 'warning')], now, prev, { conntrack: { count: 850, max: 1000 }, listeners: LISTENERS, headroom: { used: 80, size: 100 } });
    assert.equal(r.value, value);
    assert.equal(r.firing, firing);
    assert.equal(r.level, 'warning');
  });
}

test('a rate without a previous sample, and conntrack not loaded, have no value and do not fire', () => {
  const rs = evaluate([parseRule('rate(TIME_WAIT) < 100', 'critical'), parseRule('conntrack < 200%', 'critical')], now, undefined, { conntrack: null });
  assert.deepEqual(rs.map((r) => [r.value, r.firing, r.level, r.threshold]), [[null, false, 'critical', 100], [null, false, 'critical', 200]]);
});

test('acceptqueue with no listener whose backlog is known (or none listed) has no value and does not fire', () => {
  const rule = parseRule('acceptqueue < 200%', 'critical');
  for (const listeners of [[], [{ fill: null }], null, undefined]) {
    const [r] = evaluate([rule], now, prev, { listeners });
    assert.deepEqual([r.value, r.firing], [null, false], JSON.stringify(listeners));
  }
  assert.equal(metricLabel(rule.metric), 'acceptqueue');
  assert.equal(rule.percent, true);
});

test('headroom unknown (another namespace): no value, does not fire; a range of 0 ports has no fill', () => {
  const rs = evaluate([parseRule('headroom >= 0%', 'critical'), parseRule('headroom >= 0', 'critical')], now, undefined, { headroom: null });
  assert.deepEqual(rs.map((r) => [r.value, r.firing]), [[null, false], [null, false]]);
  const [z] = evaluate([parseRule('headroom >= 0%', 'critical')], now, undefined, { headroom: { used: 0, size: 0 } });
  assert.deepEqual([z.value, z.firing], [null, false]);
});

test('labels are the names tcptally prints', () => {
  assert.deepEqual(['cw > 1', 'estab:80 > 1', 'rate(tw) > 1', 'rate(TOTAL) > 1', 'total > 1', 'conntrack > 1%', 'headroom > 1%'].map((t) => metricLabel(parseRule(t, 'warning').metric)),
    ['CLOSE_WAIT', 'ESTABLISHED:80', 'rate(TIME_WAIT)', 'rate(total)', 'total', 'conntrack', 'headroom']);
});

// bad rule → its message (the rule and the column)
const BAD: [string, string][] = [
  ['', 'bad rule "": expected a state, total, conntrack, acceptqueue, headroom or rate(STATE), got the end at column 1'],
  ['BOGUS > 1', 'bad rule "BOGUS > 1": expected a state, total, conntrack, acceptqueue, headroom or rate(STATE), got "BOGUS" at column 1'],
  ['CLOSE_WAIT 500', 'bad rule "CLOSE_WAIT 500": expected one of > >= < <=, got "500" at column 12'],
  ['CLOSE_WAIT = 500', 'bad rule "CLOSE_WAIT = 500": expected one of > >= < <=, got "=" at column 12'],
  ['CLOSE_WAIT > ', 'bad rule "CLOSE_WAIT > ": expected a number, got the end at column 14'],
  ['CLOSE_WAIT > -1', 'bad rule "CLOSE_WAIT > -1": expected a number, got "-1" at column 14'],
  ['CLOSE_WAIT > 5 x', 'bad rule "CLOSE_WAIT > 5 x": expected the end of the rule, got "x" at column 16'],
  ['CLOSE_WAIT > 80%', 'bad rule "CLOSE_WAIT > 80%": "%" applies only to conntrack, acceptqueue and headroom at column 16'],
  ['acceptqueue > 80', 'bad rule "acceptqueue > 80": acceptqueue is a fill of the backlog: the number needs "%" at column 17'],
  ['ESTAB:80 > 5%', 'bad rule "ESTAB:80 > 5%": "%" applies only to conntrack, acceptqueue and headroom at column 13'],
  ['CLOSE_WAIT:0 > 1', 'bad rule "CLOSE_WAIT:0 > 1": expected a port 1 to 65535, got "0" at column 12'],
  ['CLOSE_WAIT:70000 > 1', 'bad rule "CLOSE_WAIT:70000 > 1": expected a port 1 to 65535, got "70000" at column 12'],
  ['rate(bogus) > 1', 'bad rule "rate(bogus) > 1": expected a state or total in rate( ), got "bogus)" at column 6'],
  ['rate(TIME_WAIT > 1', 'bad rule "rate(TIME_WAIT > 1": expected ")", got ">" at column 16'],
];
for (const [text, message] of BAD) {
  test(`bad rule ${JSON.stringify(text)}`, () => {
    assert.throws(() => parseRule(text, 'warning'), (e: unknown) => e instanceof RuleError && e.message === message);
  });
}

test('a rule longer than 200 characters is refused', () => {
  assert.throws(() => parseRule(`total > ${'1'.repeat(300)}`, 'warning'), /too long \(at most 200 characters\) at column 201/);
});

test('config: warn/crit lines, comments, blank lines', () => {
  const rules = parseRulesConfig('# alerts\n\nwarn CLOSE_WAIT > 100   # leak\ncrit CLOSE_WAIT > 500\n  crit conntrack > 90%\n');
  assert.deepEqual(rules.map((r) => [r.level, r.text, r.threshold]), [
    ['warning', 'CLOSE_WAIT > 100', 100], ['critical', 'CLOSE_WAIT > 500', 500], ['critical', 'conntrack > 90%', 90],
  ]);
});

const BAD_CONFIG: [string, string][] = [
  ['warn total > 1\nalert total > 5\n', 'config line 2: expected "warn RULE" or "crit RULE", got "alert"'],
  ['\n\ncrit\n', 'config line 3: "crit" needs a rule'],
  ['warn total >> 5', 'config line 1: bad rule "total >> 5": expected a number, got ">" at column 8'],
];
for (const [text, message] of BAD_CONFIG) {
  test(`bad config ${JSON.stringify(text)}`, () => {
    assert.throws(() => parseRulesConfig(text), (e: unknown) => e instanceof ConfigError && e.message === message);
  });
}
