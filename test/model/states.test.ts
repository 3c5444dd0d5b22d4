import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeOfName, countsToObject, stateByCode, stateCodeOf, TCP_STATES, type StateName } from '../../src/model/states.js';

// [kernel code (include/net/tcp_states.h), tcptally's name, the name ss prints]
const KERNEL: [number, StateName, string][] = [
  [1, 'ESTABLISHED', 'ESTAB'],
  [2, 'SYN_SENT', 'SYN-SENT'],
  [3, 'SYN_RECV', 'SYN-RECV'],
  [4, 'FIN_WAIT1', 'FIN-WAIT-1'],
  [5, 'FIN_WAIT2', 'FIN-WAIT-2'],
  [6, 'TIME_WAIT', 'TIME-WAIT'],
  [7, 'CLOSE', 'UNCONN'],
  [8, 'CLOSE_WAIT', 'CLOSE-WAIT'],
  [9, 'LAST_ACK', 'LAST-ACK'],
  [10, 'LISTEN', 'LISTEN'],
  [11, 'CLOSING', 'CLOSING'],
];

test('the state table: the kernel\'s eleven codes with their names and ss names, each with a meaning and a triage hint', () => {
  assert.deepEqual(TCP_STATES.map((s) => [s.code, s.name, s.ssName]), KERNEL);
  for (const [code, name, ssName] of KERNEL) {
    assert.deepEqual([stateByCode(code)?.name, stateByCode(code)?.ssName], [name, ssName]);
    assert.equal(codeOfName(name), code);
  }
  assert.equal(stateByCode(0), undefined);
  assert.equal(stateByCode(12), undefined);
  for (const s of TCP_STATES) assert.ok(s.meaning.length > 10 && s.hint.length > 10, s.name);
});

test('countsToObject: every name as a key in kernel order, zeros included, slot 0 ignored', () => {
  const counts = [99, 5, 0, 2, 0, 0, 7, 0, 1, 0, 3, 0];
  assert.deepEqual(Object.entries(countsToObject(counts)), [
    ['ESTABLISHED', 5], ['SYN_SENT', 0], ['SYN_RECV', 2], ['FIN_WAIT1', 0], ['FIN_WAIT2', 0], ['TIME_WAIT', 7],
    ['CLOSE', 0], ['CLOSE_WAIT', 1], ['LAST_ACK', 0], ['LISTEN', 3], ['CLOSING', 0],
  ]);
});

test('state names from ss, netstat, systeminformation and users normalise to codes', () => {
  const cases: [string, number][] = [
    ['ESTAB', 1], ['ESTABLISHED', 1], ['SYN-SENT', 2], ['SYN_RECV', 3], ['FIN-WAIT-1', 4], ['FIN_WAIT1', 4],
    ['FIN-WAIT-2', 5], ['TIME-WAIT', 6], ['TIME_WAIT', 6], ['tw', 6], ['UNCONN', 7], ['CLOSE', 7],
    ['CLOSE-WAIT', 8], ['CLOSE_WAIT', 8], ['LAST-ACK', 9], ['LISTEN', 10], ['CLOSING', 11], ['bogus', 0],
  ];
  for (const [w, c] of cases) assert.equal(stateCodeOf(w), c, w);
});
