import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUtf8Locale, parseCli, UsageError } from '../src/args.js';

test('defaults: dashboard mode, 1 s, auto source, 600 s of history', () => {
  const c = parseCli([], { LANG: 'en_US.UTF-8' });
  assert.equal(c.mode, 'dashboard');
  assert.equal(c.intervalMs, 1000);
  assert.equal(c.source, 'auto');
  assert.equal(c.historySeconds, 600);
  assert.equal(c.count, 1);
  assert.equal(c.ascii, false);
  assert.equal(c.color, true);
});

test('modes and counts', () => {
  assert.equal(parseCli(['--json']).mode, 'json');
  assert.equal(parseCli(['--json', '--count', '5']).count, 5);
  assert.equal(parseCli(['--json', '--watch']).count, Infinity);
  assert.equal(parseCli(['--once']).mode, 'once');
  assert.equal(parseCli(['--count', '2']).mode, 'once');
  assert.equal(parseCli(['-i', '0.1']).intervalMs, 100);
  assert.equal(parseCli(['--interval', '3600']).intervalMs, 3_600_000);
});

test('NO_COLOR and the locale', () => {
  assert.equal(parseCli([], { NO_COLOR: '1', LANG: 'C.UTF-8' }).color, false);
  assert.equal(parseCli(['--no-color'], { LANG: 'C.UTF-8' }).color, false);
  assert.equal(parseCli([], { LANG: 'C' }).ascii, true);
  assert.equal(isUtf8Locale({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }), false);
  assert.equal(isUtf8Locale({ LC_CTYPE: 'de_DE.utf8' }), true);
});

test('bad values are UsageErrors', () => {
  for (const a of [['--interval', '0'], ['--interval', '3601'], ['--top', '-1'], ['--history', '5'], ['--dashboard', '--json']]) {
    assert.throws(() => parseCli(a), UsageError, a.join(' '));
  }
});
