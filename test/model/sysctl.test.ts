/** src/model/sysctl.ts: the port-range sysctls parsed from the text the kernel writes, table-driven. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ephemeralMask, ephemeralSize, parsePortRange, parseReservedPorts, parseSysctlInt, portSettingsOf, reservedInRange } from '../../src/model/sysctl.js';

const RANGES: [string, [number, number] | null][] = [
  ['32768\t60999\n', [32768, 60999]], // what the kernel writes: a tab between
  ['40000 40099', [40000, 40099]],
  ['  1024   65535  \n', [1024, 65535]],
  ['5000\t5000\n', [5000, 5000]],
  ['60999\t32768\n', null], // first above last
  ['32768\n', null],
  ['32768 60999 7', null],
  ['32768 70000', null],
  ['a b', null],
  ['', null],
];
for (const [text, want] of RANGES) {
  test(`ip_local_port_range ${JSON.stringify(text)} → ${JSON.stringify(want)}`, () => assert.deepEqual(parsePortRange(text), want));
}

const RESERVED: [string, [number, number][] | null][] = [
  ['\n', []], // none: the kernel writes an empty line
  ['', []],
  ['8080\n', [[8080, 8080]]],
  ['8080,9000-9010\n', [[8080, 8080], [9000, 9010]]],
  ['40000-40009,40050\n', [[40000, 40009], [40050, 40050]]],
  ['9010-9000', null],
  ['8080,,9000', null],
  ['80-', null],
  ['x', null],
  ['70000', null],
];
for (const [text, want] of RESERVED) {
  test(`ip_local_reserved_ports ${JSON.stringify(text)} → ${JSON.stringify(want)}`, () => assert.deepEqual(parseReservedPorts(text), want));
}

test('integer sysctls: tw_reuse, fin_timeout', () => {
  assert.equal(parseSysctlInt('2\n'), 2);
  assert.equal(parseSysctlInt('60\n'), 60);
  assert.equal(parseSysctlInt(''), null);
  assert.equal(parseSysctlInt('1 2'), null);
});

test('settings: the range decides; a bad reserved list is none, bad integers unknown', () => {
  assert.deepEqual(portSettingsOf({ range: '32768\t60999\n', reserved: '\n', twReuse: '2\n', finTimeout: '60\n' }),
    { range: [32768, 60999], reserved: [], twReuse: 2, finTimeout: 60 });
  assert.deepEqual(portSettingsOf({ range: '40000 40099', reserved: 'junk', twReuse: null, finTimeout: 'x' }),
    { range: [40000, 40099], reserved: [], twReuse: null, finTimeout: null });
  assert.equal(portSettingsOf({ range: null, reserved: '', twReuse: '1', finTimeout: '60' }), null);
  assert.equal(portSettingsOf({ range: 'garbage', reserved: '', twReuse: '1', finTimeout: '60' }), null);
});

test('size: the range less the reserved ports inside it, overlaps counted once', () => {
  const cases: [[number, number], [number, number][], number][] = [
    [[32768, 60999], [], 28232],
    [[40000, 40099], [], 100],
    [[40000, 40099], [[40000, 40009]], 90],
    [[40000, 40099], [[40000, 40009], [40005, 40014], [40050, 40050]], 84], // 40000–40014 and 40050
    [[40000, 40099], [[39990, 40004], [40095, 40200]], 90], // clipped to the range: 5 + 5
    [[40000, 40099], [[8080, 8080], [50000, 50010]], 100], // outside the range
  ];
  for (const [range, reserved, size] of cases) {
    assert.equal(ephemeralSize({ range, reserved }), size, JSON.stringify({ range, reserved }));
    assert.equal(reservedInRange({ range, reserved }), range[1] - range[0] + 1 - size);
    const mask = ephemeralMask({ range, reserved });
    assert.equal(mask.reduce((a, b) => a + b, 0), size, 'mask agrees with size');
  }
  const m = ephemeralMask({ range: [40000, 40099], reserved: [[40050, 40050]] });
  assert.deepEqual([m[39999], m[40000], m[40049], m[40050], m[40051], m[40099], m[40100]], [0, 1, 1, 0, 1, 1, 0]);
});
