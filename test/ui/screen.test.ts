import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffFrame } from '../../src/ui/screen.js';

const BSU = '\x1b[?2026h', ESU = '\x1b[?2026l';

test('only changed lines are written, addressed absolutely', () => {
  assert.equal(diffFrame(['a', 'b', 'c'], 'a\nB\nc'), `${BSU}\x1b[2;1HB\x1b[0m\x1b[K${ESU}`);
});

test('an unchanged frame writes nothing', () => {
  assert.equal(diffFrame(['a', 'b'], 'a\nb'), '');
});

test('lines the new frame no longer has are erased', () => {
  assert.equal(diffFrame(['a', 'b', 'c'], 'a'), `${BSU}\x1b[2;1H\x1b[K\x1b[3;1H\x1b[K${ESU}`);
});

test('after a clear (first frame, resize) every line is drawn', () => {
  assert.equal(diffFrame(['a', 'b'], 'a\nb', true), `${BSU}\x1b[H\x1b[2J\x1b[1;1Ha\x1b[0m\x1b[K\x1b[2;1Hb\x1b[0m\x1b[K${ESU}`);
});
