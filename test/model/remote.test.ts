/**
 * src/model/remote.ts: the session's wire format on literal byte strings — control lines among a
 * login's noise, framed samples split at every possible chunk boundary, missing files, the hello.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader, formatBytes, isBigEndianMachine, parseHello, parseSampleBody, type RemoteEvent } from '../../src/model/remote.js';

const TCP = '  sl  local_address rem_address   st\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123 1\n';
const SNMP = 'Tcp: ActiveOpens PassiveOpens\nTcp: 5 7\n';
// what the session script prints for `s 3`: every marker after a newline of its own
const SAMPLE_3 = `\n@@tt begin 3\n\n@@tt file tcp\n${TCP}\n@@tt file tcp6\n\n@@tt missing tcp6\n\n@@tt file snmp\n${SNMP}\n@@tt end 3\n`;

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function readAll(chunks: string[]): RemoteEvent[] {
  const r = new FrameReader();
  return chunks.flatMap((c) => r.push(Buffer.from(c, 'latin1')));
}

test('a login\'s noise is text; marker lines are control lines with verb and rest', () => {
  const ev = readAll(['Welcome to db1!\n\n@@tt hello x86_64|Linux 6.18|db1|v20.20.2\n']);
  assert.deepEqual(ev, [
    { kind: 'line', verb: '', rest: 'Welcome to db1!' },
    { kind: 'line', verb: 'hello', rest: 'x86_64|Linux 6.18|db1|v20.20.2' },
  ]);
});

test('a framed sample: its files, byte for byte; a missing file is absent and named', () => {
  const ev = readAll([SAMPLE_3]);
  assert.equal(ev.length, 1);
  const s = ev[0];
  assert.ok(s.kind === 'sample');
  assert.equal(s.seq, 3);
  assert.deepEqual([...s.files.keys()].sort(), ['snmp', 'tcp']);
  assert.equal(text(s.files.get('tcp')!), TCP);
  assert.equal(text(s.files.get('snmp')!), SNMP);
  assert.deepEqual([...s.missing], ['tcp6']);
});

test('the same events whatever the chunking (every split point, and byte by byte)', () => {
  const stream = `motd\n${SAMPLE_3}\n@@tt snap {"a":1}\n${SAMPLE_3.replaceAll(' 3\n', ' 4\n')}`;
  const norm = (ev: RemoteEvent[]) => ev.map((e) => (e.kind === 'sample' ? { seq: e.seq, files: [...e.files].map(([k, v]) => [k, text(v)]), missing: [...e.missing] } : e));
  const whole = norm(readAll([stream]));
  assert.equal(whole.length, 4);
  for (let cut = 1; cut < stream.length; cut++) {
    assert.deepEqual(norm(readAll([stream.slice(0, cut), stream.slice(cut)])), whole, `split at ${cut}`);
  }
  assert.deepEqual(norm(readAll([...stream])), whole, 'byte by byte');
});

test('files handed out stay valid while the reader grows and compacts its buffer', () => {
  const r = new FrameReader();
  const big = TCP.repeat(2000); // ~250 KB: more than the reader's first buffer
  const first = r.push(Buffer.from(`\n@@tt begin 1\n\n@@tt file tcp\n${big}\n@@tt end 1\n`, 'latin1'));
  assert.equal(first.length, 1);
  const held = (first[0] as { files: Map<string, Uint8Array> }).files.get('tcp')!;
  for (let i = 2; i < 6; i++) r.push(Buffer.from(`\n@@tt begin ${i}\n\n@@tt file tcp\n${big.replaceAll('0A', '01')}\n@@tt end ${i}\n`, 'latin1'));
  assert.equal(text(held), big);
});

test('a sample waits for its own end marker (not another number\'s)', () => {
  const r = new FrameReader();
  assert.deepEqual(r.push(Buffer.from(`\n@@tt begin 5\n\n@@tt file tcp\n${TCP}\n@@tt end 4\n`, 'latin1')), []);
  const ev = r.push(Buffer.from('\n@@tt end 5\n', 'latin1'));
  assert.equal(ev.length, 1);
  assert.equal((ev[0] as { seq: number }).seq, 5);
});

test('parseSampleBody on a literal body', () => {
  const s = parseSampleBody(Buffer.from('\n\n@@tt file sockstat\nTCP: inuse 3\n\n@@tt missing netstat\n', 'latin1'), 9);
  assert.equal(text(s.files.get('sockstat')!), 'TCP: inuse 3\n');
  assert.deepEqual([...s.missing], ['netstat']);
});

test('hello: machine, OS, host name, Node (none or < 20: null)', () => {
  assert.deepEqual(parseHello('x86_64|Linux 6.18.0|db1|v20.20.2'), { machine: 'x86_64', os: 'Linux 6.18.0', hostname: 'db1', node: 'v20.20.2' });
  assert.equal(parseHello('aarch64|Linux 5.10|pi|none').node, null);
  assert.equal(parseHello('').node, null);
});

test('big-endian machines', () => {
  for (const m of ['s390x', 'ppc64', 'mips', 'sparc64']) assert.equal(isBigEndianMachine(m), true, m);
  for (const m of ['x86_64', 'aarch64', 'ppc64le', 'mipsel', 'riscv64', 'armv7l', '']) assert.equal(isBigEndianMachine(m), false, m);
});

test('bytes for people', () => {
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(12 * 1024), '12 KB');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(3.4 * 1024 * 1024), '3.4 MB');
});
