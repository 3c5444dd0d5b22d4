import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilter, FilterError, parseFilter } from '../../src/model/filter.js';
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
