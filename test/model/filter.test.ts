import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilter, FILTER_WORDS, FilterError, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, usesOwners } from '../../src/model/filter.js';
import { tableOf } from '../../src/model/records.js';
import type { SocketRecord } from '../../src/model/table.js';

// A small box: a web server on 80 (v4 and dual-stack v6), a client of a database on 5432.
const SOCKETS: (SocketRecord & { id: string })[] = [
  { id: 'listen80', family: 4, state: 10, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0 },
  { id: 'listen80v6', family: 6, state: 10, laddr: '::', lport: 80, raddr: '::', rport: 0 },
  { id: 'web1', family: 4, state: 1, laddr: '10.0.0.1', lport: 80, raddr: '192.168.1.7', rport: 40000 },
  { id: 'web2', family: 6, state: 8, laddr: '::ffff:10.0.0.1', lport: 80, raddr: '::ffff:192.168.1.8', rport: 40001 },
  { id: 'web3', family: 6, state: 3, laddr: '2001:db8::1', lport: 80, raddr: '2001:db8::99', rport: 40002 },
  { id: 'db1', family: 4, state: 6, laddr: '10.0.0.1', lport: 50000, raddr: '10.0.0.9', rport: 5432 },
  { id: 'db2', family: 4, state: 1, laddr: '10.0.0.1', lport: 50001, raddr: '10.0.0.9', rport: 5432 },
  { id: 'syn', family: 4, state: 2, laddr: '10.0.0.1', lport: 50002, raddr: '10.0.0.10', rport: 443 },
];
const table = tableOf(SOCKETS);

function matches(expr: string): string[] {
  const pred = compileFilter(parseFilter(expr, { resolvePort: (n) => ({ https: 443, postgresql: 5432 })[n] }));
  return SOCKETS.filter((_, i) => pred(table, i)).map((s) => s.id);
}

const CASES: [string, string[]][] = [
  ['', SOCKETS.map((s) => s.id)],
  ['established', ['web1', 'db2']],
  ['estab', ['web1', 'db2']],
  ['ESTABLISHED', ['web1', 'db2']],
  ['state time-wait', ['db1']],
  ['tw', ['db1']],
  ['TIME_WAIT', ['db1']],
  ['close-wait', ['web2']],
  ['syn-recv', ['web3']],
  ['SYN_SENT', ['syn']],
  ['listening', ['listen80', 'listen80v6']],
  ['connected', ['web1', 'web2', 'web3', 'db1', 'db2', 'syn']],
  ['bucket', ['web3', 'db1']],
  ['sport = 80', ['listen80', 'listen80v6', 'web1', 'web2', 'web3']],
  ['sport = :80', ['listen80', 'listen80v6', 'web1', 'web2', 'web3']],
  ['sport eq 80 and not listen', ['web1', 'web2', 'web3']],
  ['dport = 5432', ['db1', 'db2']],
  ['dport = postgresql', ['db1', 'db2']],
  ['dport :https', ['syn']],
  ['port 443', ['syn']],
  ['dport > 40000', ['web2', 'web3']],
  ['dport >= 40000 and dport < 40002', ['web1', 'web2']],
  ['sport != 80 and sport ne 50000', ['db2', 'syn']],
  ['dst 10.0.0.9', ['db1', 'db2']],
  ['dst 10.0.0.0/24', ['db1', 'db2', 'syn']],
  ['dst 192.168.1.0/24', ['web1', 'web2']], // the mapped peer matches an IPv4 term
  ['dst ::ffff:192.168.1.8', ['web2']],
  ['dst 2001:db8::/32', ['web3']],
  ['dst [2001:db8::99]', ['web3']],
  ['dst [2001:db8::99]:40002', ['web3']],
  ['dst 10.0.0.9:5432', ['db1', 'db2']],
  ['src 10.0.0.1', ['web1', 'web2', 'db1', 'db2', 'syn']],
  ['addr 10.0.0.9', ['db1', 'db2']],
  ['v4', ['listen80', 'web1', 'db1', 'db2', 'syn']],
  ['v6', ['listen80v6', 'web2', 'web3']],
  ['v6 and sport = 80 and !listen', ['web2', 'web3']],
  ['established or time-wait', ['web1', 'db1', 'db2']],
  ['estab || tw', ['web1', 'db1', 'db2']],
  ['(estab or tw) and dport = 5432', ['db1', 'db2']],
  ['estab or tw and dport = 5432', ['web1', 'db1', 'db2']], // and binds tighter
  ['not (estab or tw)', ['listen80', 'listen80v6', 'web2', 'web3', 'syn']],
  ['estab dport = 5432', ['db2']], // juxtaposition is "and"
  ['exclude listen and sport = 80', ['web1', 'web2', 'web3']],
];

for (const [expr, want] of CASES) {
  test(`filter ${JSON.stringify(expr)}`, () => {
    assert.deepEqual(matches(expr), want);
  });
}

const BAD: [string, string, number][] = [
  ['estabx', 'estabx', 1],
  ['sport = http2x', 'http2x', 9],
  ['sport = 70000', '70000', 9],
  ['dst 10.0.0.300', '10.0.0.300', 5],
  ['dst 10.0.0.0/33', '10.0.0.0/33', 5],
  ['(estab', '', 7],
  ['estab )', ')', 7],
  ['estab and', '', 10],
  ['state bogus', 'bogus', 7],
  ['sport', '', 6],
  ['estab @', '@', 7],
];

for (const [expr, token, column] of BAD) {
  test(`bad filter ${JSON.stringify(expr)} names the bad token`, () => {
    assert.throws(
      () => parseFilter(expr),
      (e: unknown) => e instanceof FilterError && e.token === token && e.column === column && e.message.length > 0,
    );
  });
}

test('a bad filter message quotes the token and its column', () => {
  assert.throws(() => parseFilter('estab and bogus'), /"bogus" at column 11/);
});

// ---- limits: nesting depth, length, long chains (a sound base: no stack overflow) ----

test('the limits are exported with their documented values', () => {
  assert.equal(MAX_FILTER_DEPTH, 64);
  assert.equal(MAX_FILTER_LENGTH, 65536);
});

test('5000 nested "(" is refused with a FilterError naming the depth limit, not a stack overflow', () => {
  const expr = '('.repeat(5000) + 'estab' + ')'.repeat(5000);
  assert.throws(
    () => parseFilter(expr),
    (e: unknown) =>
      e instanceof FilterError &&
      e.message === 'too deep: more than 64 nested "(" / "not", got "(" at column 65' &&
      e.column === 65,
  );
});

test('5000 nested "not" / "!" is refused the same way', () => {
  assert.throws(() => parseFilter('not '.repeat(5000) + 'estab'), /^FilterError: too deep: more than 64 nested "\(" \/ "not", got "not" at column 257$/);
  assert.throws(() => parseFilter('!'.repeat(5000) + 'estab'), /too deep: more than 64 nested .* at column 65$/);
});

test('64 nested "(" (the limit) works; 65 does not', () => {
  assert.deepEqual(matches('('.repeat(64) + 'estab' + ')'.repeat(64)), ['web1', 'db2']);
  assert.throws(() => parseFilter('('.repeat(65) + 'estab' + ')'.repeat(65)), /too deep/);
});

test('64 nested "not" works (an even number of nots is the term itself)', () => {
  assert.deepEqual(matches('not '.repeat(64) + 'estab'), ['web1', 'db2']);
  assert.deepEqual(matches('( not '.repeat(32) + 'estab' + ' )'.repeat(32)), ['web1', 'db2']);
});

test('a 4000-term "or" chain parses into one flat node and its predicate answers right', () => {
  // dport = 1000 or ... or dport = 4998 (no socket has those), then dport = 5432: the database client
  const terms = Array.from({ length: 3999 }, (_, k) => `dport = ${k + 1000}`);
  const expr = [...terms, 'dport = 5432'].join(' or ');
  const node = parseFilter(expr);
  assert.equal(node?.kind, 'or');
  assert.equal(node?.kind === 'or' ? node.xs.length : -1, 4000);
  assert.deepEqual(matches(expr), ['db1', 'db2']);
  assert.deepEqual(matches(terms.join(' or ')), []);
});

test('a 20000-term chain within the length limit evaluates without recursion', () => {
  // "tw||" is 4 characters a term: 16384 terms fit in 65536 characters
  assert.deepEqual(matches('tw||'.repeat(16383) + 'tw'), ['db1']);
  // juxtaposition ("and") of 8000 terms: every one must hold
  assert.deepEqual(matches('v4 '.repeat(8000) + 'estab'), ['web1', 'db2']);
  assert.deepEqual(matches('v4 '.repeat(8000) + 'v6'), []);
});

test('chains flatten through parentheses of the same kind; and binds tighter than or', () => {
  assert.deepEqual(parseFilter('(v4 and estab) and (tw and v6)'), {
    kind: 'and',
    xs: [{ kind: 'family', family: 4 }, { kind: 'state', codes: [1] }, { kind: 'state', codes: [6] }, { kind: 'family', family: 6 }],
  });
  assert.deepEqual(parseFilter('v4 or estab tw'), {
    kind: 'or',
    xs: [{ kind: 'family', family: 4 }, { kind: 'and', xs: [{ kind: 'state', codes: [1] }, { kind: 'state', codes: [6] }] }],
  });
});

test('an expression longer than MAX_FILTER_LENGTH is refused before it is read', () => {
  const long = ' '.repeat(69998) + 'tw';
  assert.throws(() => parseFilter(long), (e: unknown) => e instanceof FilterError && e.message === 'too long: 70000 characters (at most 65536)');
  assert.deepEqual(parseFilter(' '.repeat(65534) + 'tw'), { kind: 'state', codes: [6] });
});

test('a bad token is quoted clipped to 40 characters', () => {
  assert.throws(() => parseFilter('estab ' + 'x'.repeat(5000)), (e: unknown) =>
    e instanceof FilterError && e.message === `expected a state, port, address or family, got "${'x'.repeat(37)}..." at column 7`);
});

test('FILTER_WORDS is the vocabulary the parser accepts', () => {
  assert.deepEqual(FILTER_WORDS.states.find((s) => s.name === 'TIME_WAIT')?.words, ['time-wait', 'time_wait', 'timewait', 'tw']);
  assert.deepEqual(Object.keys(FILTER_WORDS.groups), ['all', 'connected', 'synchronized', 'bucket', 'big']);
  assert.deepEqual(Object.keys(FILTER_WORDS.stateKeywords), ['state', 'exclude']);
  assert.deepEqual(Object.keys(FILTER_WORDS.ports), ['sport', 'dport', 'port']);
  assert.deepEqual(Object.keys(FILTER_WORDS.addrs), ['src', 'dst', 'addr', 'host']);
  assert.ok(Object.isFrozen(FILTER_WORDS.ops) && Object.isFrozen(FILTER_WORDS.states[0].words));
  // every listed word parses as a term, with the argument its kind needs
  const words = [
    ...FILTER_WORDS.states.flatMap((s) => s.words),
    ...Object.keys(FILTER_WORDS.groups),
    ...Object.keys(FILTER_WORDS.stateKeywords).map((w) => `${w} estab`),
    ...Object.keys(FILTER_WORDS.ports).flatMap((w) => Object.keys(FILTER_WORDS.ops).map((o) => `${w} ${o} 80`)),
    ...Object.keys(FILTER_WORDS.addrs).map((w) => `${w} 10.0.0.9`),
    ...Object.keys(FILTER_WORDS.families),
    ...FILTER_WORDS.and.map((w) => `v4 ${w} v6`),
    ...FILTER_WORDS.or.map((w) => `v4 ${w} v6`),
    ...FILTER_WORDS.not.map((w) => `${w} v6`),
  ];
  for (const w of words) assert.doesNotThrow(() => parseFilter(w), w);
  assert.deepEqual(matches('host 10.0.0.9'), ['db1', 'db2']);
});

test('owner words: pid, comm (glob), user (name or uid), container (id prefix), through an owner context', () => {
  const recs: SocketRecord[] = [
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40001, inode: 1 },
    { family: 4, state: 1, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40002, inode: 2 },
    { family: 4, state: 6, laddr: '10.0.0.1', lport: 80, raddr: '10.0.0.7', rport: 40003, inode: 0 },
  ];
  const t = tableOf(recs);
  const procs: Record<number, { command: string; uid: number; user: string; container: { id: string } | null }> = {
    10: { command: 'nginx', uid: 33, user: 'www-data', container: { id: 'a1b2c3d4e5f6a7b8' } },
    11: { command: 'postgres', uid: 0, user: 'root', container: null },
  };
  const ctx = { owners: (inode: number) => (inode === 1 ? [10] : inode === 2 ? [10, 11] : ('none' as const)), process: (pid: number) => procs[pid] ?? null };
  const rows = (f: string) => recs.map((_, i) => i).filter((i) => compileFilter(parseFilter(f), ctx)(t, i));
  assert.deepEqual(rows('pid 11'), [1]);
  assert.deepEqual(rows('comm ngin*'), [0, 1]);
  assert.deepEqual(rows('comm post?res'), [1]);
  assert.deepEqual(rows('user www-data'), [0, 1]);
  assert.deepEqual(rows('user 0'), [1]);
  assert.deepEqual(rows('container a1b2c3'), [0, 1]);
  assert.deepEqual(rows('not pid 10'), [2], 'TIME_WAIT has no owner');
  assert.deepEqual(recs.map((_, i) => i).filter((i) => compileFilter(parseFilter('pid 10'))(t, i)), [], 'no owner context: owner words match nothing');
  assert.throws(() => parseFilter('pid nginx'), /expected a process id after "pid"/);
  assert.throws(() => parseFilter('comm'), /expected a value after "comm"/);
  assert.equal(usesOwners(parseFilter('tw or (estab and comm x)')), true);
  assert.equal(usesOwners(parseFilter('tw or estab')), false);
});
