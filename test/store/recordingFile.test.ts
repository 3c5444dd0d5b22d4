/**
 * src/store/recordingFile.ts on real files: the header first, one line per sample (a re-count of the
 * same sample is not a new line), rotation to FILE.1 at --record-max with whole lines in both files,
 * write failures (a missing directory, a full disk: /dev/full) as one-line RecordingErrors, and the
 * reader's messages for a file that cannot be replayed.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeSample } from '../../src/model/recording.js';
import type { SocketRecord } from '../../src/model/table.js';
import { openReplay, readRecording, RecordingError, RecordingWriter } from '../../src/store/recordingFile.js';
import { snapshotOf } from '../helpers/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'tcptally-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 26, 7, 41, 0);
const tw = (n: number): SocketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ family: 4, state: 6, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 5432 }));
const sample = (seq: number, n: number) => snapshotOf(tw(n), { seq, time: T0 + seq * 1000 });
const lines = (path: string) => readFileSync(path, 'utf8').split('\n');

test('a header line, then one line per sample; the same seq again (a re-count) is not written', () => {
  const path = join(dir, 'a.ndjson');
  const w = new RecordingWriter({ path, maxBytes: 1 << 20, host: 'db1', version: '0.1.0', now: () => T0 });
  w.write(sample(1, 3));
  w.write({ ...sample(1, 3), sortBy: 6 });
  w.write(sample(2, 5));
  w.close();
  const l = lines(path);
  assert.equal(l.length, 4);
  assert.equal(l[3], '');
  assert.match(l[0], /^\{"tcptally":"recording","format":1,"version":"0.1.0","host":"db1","kernel":"Linux [^"]+","start":"2026-11-26T07:41:00.000Z","top":200\}$/);
  assert.equal(decodeSample(l[1]).tally.states[6], 3);
  assert.match(l[2], /^\{"time":1795678862000,"tally":\{"states":\[0,0,0,0,0,0,5\]/);
  // the second line carries only the changed counters (none here)
  assert.ok(l[2].includes('"countersChanged":{}'), l[2]);
});

test('the counters are whole on the first sample line and every 60th; the lines between carry the changes', () => {
  const path = join(dir, 'key.ndjson');
  const w = new RecordingWriter({ path, maxBytes: 1 << 24, host: 'db1', version: '0.1.0' });
  for (let seq = 1; seq <= 122; seq++) w.write(snapshotOf(tw(1), { seq, time: T0 + seq * 1000, counters: { 'Tcp.ActiveOpens': seq } }));
  w.close();
  const l = lines(path).slice(1, -1);
  assert.equal(l.length, 122);
  const whole = l.map((x, i) => (x.includes('"counters":{"Tcp.ActiveOpens":') ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(whole, [0, 60, 120]);
  assert.ok(l[61].includes('"countersChanged":{"Tcp.ActiveOpens":62}'), l[61].slice(-300));
  const r = openReplay(path);
  assert.deepEqual(r.store.snapshotAt(119).counters, { 'Tcp.ActiveOpens': 120 });
  assert.deepEqual(r.store.snapshotAt(59).rates, { 'Tcp.ActiveOpens': 1 });
});

test('the alerts log is written when it changed; the replay restores it on every sample, from any position', () => {
  const path = join(dir, 'alerts.ndjson');
  const ev = (n: number) => ({ time: T0 + n * 1000, kind: 'fired', rule: 'tw > 1', label: 'TIME_WAIT', level: 'warning', value: n, op: '>', threshold: 1, unit: '' });
  const logs = [[], [], [ev(3)], [ev(3)], [ev(3)], [ev(3), ev(6)]];
  const w = new RecordingWriter({ path, maxBytes: 1 << 20, host: 'h', version: '0' });
  logs.forEach((log, i) => w.write(snapshotOf(tw(2), { seq: i + 1, time: T0 + (i + 1) * 1000, alerts: { firing: [], log } } as never)));
  w.close();
  const l = lines(path).slice(1, -1);
  assert.deepEqual(l.map((x) => x.includes('"alertsLogSame":true')), [false, true, false, true, true, false]);
  const r = openReplay(path);
  for (const i of [4, 1, 3, 5, 0, 2]) {
    assert.deepEqual((r.store.snapshotAt(i) as unknown as { alerts: { log: unknown[] } }).alerts.log, logs[i], `sample ${i}`);
  }
});

test('rotation: past --record-max the file moves to FILE.1 and FILE starts again with a header; every line whole', () => {
  const path = join(dir, 'rot.ndjson');
  const one = Buffer.byteLength(lines((() => {
    const p = join(dir, 'probe.ndjson');
    const w = new RecordingWriter({ path: p, maxBytes: 1 << 20, host: 'db1', version: '0.1.0' });
    w.write(sample(1, 20));
    w.close();
    return p;
  })())[1]) + 1;
  // room for the header and two samples, not three
  const w = new RecordingWriter({ path, maxBytes: 300 + 2 * one, host: 'db1', version: '0.1.0' });
  for (let seq = 1; seq <= 7; seq++) w.write(sample(seq, 20));
  w.close();
  assert.equal(w.rotations, 3);
  const cur = lines(path).filter(Boolean);
  const old = lines(`${path}.1`).filter(Boolean);
  assert.equal(cur.length, 2); // header + sample 7
  assert.equal(old.length, 3); // header + samples 5, 6
  for (const file of [cur, old]) {
    assert.match(file[0], /^\{"tcptally":"recording"/);
    // each file starts with all counters: it replays on its own
    assert.ok(file[1].includes('"counters":'), file[1].slice(0, 80));
  }
  assert.deepEqual(old.slice(1).map((l) => decodeSample(l, {}, []).time), [T0 + 5000, T0 + 6000]);
  assert.ok(statSync(`${path}.1`).size <= 300 + 2 * one);
  const r = openReplay(`${path}.1`);
  assert.equal(r.store.count, 2);
  assert.equal(r.store.snapshotAt(1).counters['Tcp.ActiveOpens'], 47);
});

test('a path that cannot be opened, and a full disk, are one-line RecordingErrors', () => {
  assert.throws(() => new RecordingWriter({ path: join(dir, 'no/such/dir/x'), maxBytes: 1 << 20, host: 'h', version: '0' }),
    (e: Error) => e instanceof RecordingError && /^cannot write .*no\/such\/dir\/x: not found$/.test(e.message));
  // /dev/full takes the open and fails every write with ENOSPC (the header is the first write)
  assert.throws(() => new RecordingWriter({ path: '/dev/full', maxBytes: 1 << 20, host: 'h', version: '0' }),
    (e: Error) => e instanceof RecordingError && e.message === 'cannot write /dev/full: ENOSPC');
});

test('the reader: a missing file, not a recording, another format, a cut last line', () => {
  assert.throws(() => readRecording(join(dir, 'missing')), /^RecordingError: cannot read .*missing: not found$/);
  const junk = join(dir, 'junk');
  writeFileSync(junk, 'hello\n');
  assert.throws(() => readRecording(junk), (e: Error) => e.message === `${junk}: not a tcptally recording (no header line)`);
  const v2 = join(dir, 'v2');
  writeFileSync(v2, '{"tcptally":"recording","format":2}\n');
  assert.throws(() => readRecording(v2), /format 2 is not supported/);
  const path = join(dir, 'cut.ndjson');
  const w = new RecordingWriter({ path, maxBytes: 1 << 20, host: 'h', version: '0' });
  for (let seq = 1; seq <= 3; seq++) w.write(sample(seq, seq));
  w.close();
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.slice(0, text.length - 40)); // the third sample half written
  const r = openReplay(path);
  assert.equal(r.cut, true);
  assert.equal(r.store.count, 2);
  const only = join(dir, 'header-only.ndjson');
  writeFileSync(only, `${lines(path)[0]}\n`);
  assert.throws(() => openReplay(only), /no samples recorded/);
  assert.equal(existsSync(`${path}.1`), false);
});
