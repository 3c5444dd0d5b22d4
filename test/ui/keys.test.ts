/** src/ui/keys.ts: Ink's (input, Key) → key names, as literal rows; then raw terminal bytes through Ink itself. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useInput, type Key } from 'ink';
import { render } from 'ink-testing-library';
import { createElement, useCallback } from 'react';
import { keyName, keyNames } from '../../src/ui/keys.js';

/** A string with its control bytes visible, for test names ("\\x7f", "\\t"). */
const show = (s: string) => `"${s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;

/** A Key with every flag off but the given ones. */
function key(flags: Partial<Key> = {}): Key {
  return {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
    backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
    ...flags,
  };
}

// [input, Key flags, key name]
const ONE_KEY: [string, Partial<Key>, string][] = [
  ['q', {}, 'q'],
  ['S', { shift: true }, 'S'],
  ['G', { shift: true }, 'G'],
  ['?', {}, '?'],
  ['/', {}, '/'],
  ['+', {}, '+'],
  ['=', {}, '='],
  ['-', {}, '-'],
  [' ', {}, 'space'],
  ['', { upArrow: true }, 'up'],
  ['', { downArrow: true }, 'down'],
  ['', { leftArrow: true }, 'left'],
  ['', { rightArrow: true }, 'right'],
  ['', { pageUp: true }, 'pageup'],
  ['', { pageDown: true }, 'pagedown'],
  ['', { home: true }, 'home'],
  ['', { end: true }, 'end'],
  ['', { return: true }, 'enter'],
  ['', { escape: true, meta: true }, 'escape'],
  ['', { tab: true }, 'tab'],
  ['c', { ctrl: true }, 'ctrl+c'],
  ['C', { ctrl: true, shift: true }, 'ctrl+c'],
  ['d', { ctrl: true }, 'ctrl+d'],
  ['', { delete: true }, 'backspace'], // DEL (0x7f), what the backspace key sends, reaches useInput as delete
  ['', { backspace: true }, 'backspace'], // BS (0x08)
];

for (const [input, flags, name] of ONE_KEY) {
  test(`keyName(${show(input)}, ${JSON.stringify(flags)}) is "${name}"`, () => {
    assert.equal(keyName(input, key(flags)), name);
    assert.deepEqual(keyNames(input, key(flags)).map((k) => k.name), [name], 'one key, one name');
  });
}

// [input chunk, Key flags, [name, text] of each key]
const BURSTS: [string, Partial<Key>, [string, string][]][] = [
  ['ss', {}, [['s', 's'], ['s', 's']]],
  ['/tw', {}, [['/', '/'], ['t', 't'], ['w', 'w']]],
  ['sS', {}, [['s', 's'], ['S', 'S']]],
  ['a\tb', {}, [['a', 'a'], ['tab', '\t'], ['b', 'b']]],
  ['tw\r', {}, [['t', 't'], ['w', 'w'], ['enter', '\r']]],
  ['x\n', {}, [['x', 'x'], ['enter', '\n']]],
  ['ab\x7f', {}, [['a', 'a'], ['b', 'b'], ['backspace', '\x7f']]],
  ['a\b', {}, [['a', 'a'], ['backspace', '\b']]],
  ['j k', {}, [['j', 'j'], ['space', ' '], ['k', 'k']]],
  ['estab and dport', {}, [...'estab and dport'].map((ch): [string, string] => [ch === ' ' ? 'space' : ch, ch])],
];

for (const [input, flags, keys] of BURSTS) {
  test(`keyNames splits the burst ${show(input)} into ${keys.length} keys`, () => {
    assert.deepEqual(keyNames(input, key(flags)).map((k) => [k.name, k.text]), keys);
  });
}

test('keyNames does not split a special key or a ctrl/meta chunk', () => {
  assert.deepEqual(keyNames('[A', key({ upArrow: true })), [{ name: 'up', text: '[A' }]);
  assert.deepEqual(keyNames('ab', key({ meta: true })), [{ name: 'ab', text: 'ab' }]);
  assert.deepEqual(keyNames('c', key({ ctrl: true })), [{ name: 'ctrl+c', text: 'c' }]);
});

/** The key names a component using Ink's useInput + keyNames gets for raw bytes written to stdin. */
async function namesFromInk(bytes: string, expectCount: number): Promise<string[]> {
  const got: string[] = [];
  function Probe() {
    const onInput = useCallback((input: string, k: Key) => {
      for (const x of keyNames(input, k)) got.push(x.name);
    }, []);
    useInput(onInput);
    return null;
  }
  const r = render(createElement(Probe));
  try {
    await sleep(10); // useInput subscribes in an effect
    r.stdin.write(bytes);
    for (let i = 0; i < 100 && got.length < expectCount; i++) await sleep(10); // bounded: 1 s
    await sleep(10); // and nothing more arrives
    return got;
  } finally {
    r.unmount();
  }
}

// [raw bytes a terminal sends, key names]
const RAW: [string, string[]][] = [
  ['q', ['q']],
  ['\x1b[A', ['up']],
  ['\x1b[B', ['down']],
  ['\x1b[C', ['right']],
  ['\x1b[D', ['left']],
  ['\x1b[5~', ['pageup']],
  ['\x1b[6~', ['pagedown']],
  ['\x1b[H', ['home']],
  ['\x1b[F', ['end']],
  ['\r', ['enter']],
  ['\t', ['tab']],
  ['\x7f', ['backspace']],
  ['\x03', ['ctrl+c']],
  ['\x1b', ['escape']],
  [' ', ['space']],
  ['ss', ['s', 's']],
  ['/tw', ['/', 't', 'w']],
  ['tw\r', ['t', 'w', 'enter']],
];

for (const [bytes, names] of RAW) {
  test(`through Ink: the bytes ${show(bytes)} are ${JSON.stringify(names)}`, async () => {
    assert.deepEqual(await namesFromInk(bytes, names.length), names);
  });
}
