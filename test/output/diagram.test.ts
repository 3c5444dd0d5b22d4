/** src/output/diagram.ts: `--once --diagram`'s text: a header, the diagram, the sentence; colour only when asked. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagram } from '../../src/output/diagram.js';
import { snapshotOf } from '../helpers/snapshot.js';
import { sockets } from '../helpers/fakeSource.js';

// 6 CLOSE_WAIT, 2 ESTABLISHED: the CLOSE_WAIT pile is the picture's subject
const snap = snapshotOf([...sockets(6, 8, 8080), ...sockets(2, 1, 443, '127.0.0.3', 41000)], { filter: 'port = 8080 or port = 443' });

test('a header with host, time, source, total and filter; the full diagram at 100 columns; the sentence last', () => {
  const out = formatDiagram(snap, { host: 'box', width: 100, ascii: false, color: false });
  const lines = out.replace(/\n$/, '').split('\n');
  assert.equal(lines[0], 'tcptally  box  2026-11-24T12:00:00.000Z  source netlink  sample 1.5ms  sockets 8');
  assert.equal(lines[1], 'filter: port = 8080 or port = 443');
  assert.equal(lines[2], '');
  assert.match(out, /┃ CLOSE_WAIT +6 ┃/, 'the full layout, CLOSE_WAIT marked');
  assert.match(out, /│ ESTABLISHED +2 │/);
  assert.match(lines[lines.length - 2], /^CLOSE_WAIT 6: The peer closed;/);
  for (const l of lines) assert.ok(l.length <= 100, l);
  assert.doesNotMatch(out, /\x1b/, 'no escapes without colour');
});

test('ASCII: nothing outside ASCII; colour: the bars\' colours, bold for the marked box', () => {
  const ascii = formatDiagram(snap, { host: 'box', width: 100, ascii: true, color: false });
  assert.match(ascii, /^[\x20-\x7e\n]*$/);
  assert.match(ascii, /# CLOSE_WAIT +6 #/);
  assert.match(ascii, /-> *\| ESTABLISHED|--->\| ESTABLISHED/);
  const coloured = formatDiagram(snap, { host: 'box', width: 100, ascii: false, color: true });
  assert.match(coloured, /\x1b\[1;31mCLOSE_WAIT\x1b\[0m/);
  assert.match(coloured, /\x1b\[32m│\x1b\[0m/, 'ESTABLISHED in green');
  assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), formatDiagram(snap, { host: 'box', width: 100, ascii: false, color: false }));
});
