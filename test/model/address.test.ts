import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bswap32, formatV4, formatV6, parseAddress, parseV4, parseV6 } from '../../src/model/address.js';

test('IPv6 text forms follow RFC 5952', () => {
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['fe80::1', 'fe80::1'],
    ['::ffff:10.1.2.3', '::ffff:10.1.2.3'],
    ['[::1]', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ];
  for (const [input, want] of cases) {
    const w = parseV6(input);
    assert.ok(w, input);
    assert.equal(formatV6(...w), want, input);
  }
});

test('bad addresses are rejected', () => {
  for (const bad of ['1.2.3', '1.2.3.256', '1.2.3.4.5', 'a.b.c.d', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '']) {
    assert.equal(parseAddress(bad), undefined, bad);
  }
});

test('property: IPv4 text round-trips', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (w) => parseV4(formatV4(w)) === w));
});

test('property: IPv6 text round-trips through the compressed form', () => {
  const word = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(
    fc.property(fc.tuple(word, word, word, word), (w) => {
      const back = parseV6(formatV6(...w));
      return !!back && back.every((x, k) => x === w[k]);
    }),
  );
});

test('property: bswap32 is an involution', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => bswap32(bswap32(x)) === x));
});
