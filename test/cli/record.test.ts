/**
 * --record and --replay as a user runs them, against real sockets on 127.0.95.1 (this file's own
 * loopback address, ports 19500-19519): three recorded samples replay as the same three --json
 * objects, whose counts equal ss's; rotation with a tiny --record-max; a recording cut short; files
 * that are not recordings; write failures; what --replay cannot be combined with.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TCP_STATES } from '../../src/model/states.js';
import { SocketFarm, waitFor, type Host } from '../helpers/sockets.js';
import { requireTool } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const HOST = '127.0.95.1' as Host;
const FILTER = `src ${HOST} or dst ${HOST}`;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** ss's per-state counts (by our JSON names) of the sockets on HOST. */
function ssStates(): Record<string, number> {
  const out = execFileSync('ss', ['-tanH', FILTER], { encoding: 'utf8' });
  const byName: Record<string, number> = Object.fromEntries(TCP_STATES.map((s) => [s.name, 0]));
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const st = TCP_STATES.find((s) => s.ssName === f[0]);
    assert.ok(st, `ss state ${f[0]}`);
    byName[st.name]++;
  }
  return byName;
}

const dir = mkdtempSync(join(tmpdir(), 'tcptally-record-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ndjson = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { time: string; total: number; states: Record<string, number> });

describe('record and replay of real sockets on 127.0.95.1', () => {
  const farm = new SocketFarm();
  before(async () => {
    const port = await farm.listen(HOST, 19500);
    const closing = await farm.closingListener(HOST);
    await farm.established(HOST, port, 3);
    await farm.closeWait(HOST, port, 2);
    await farm.timeWait(HOST, closing, 4);
    // the half-closed pairs settle in CLOSE_WAIT / FIN_WAIT2 (bounded wait)
    await waitFor(() => ssStates().CLOSE_WAIT === 2 && ssStates().FIN_WAIT2 === 2, 3000);
  });
  after(() => farm.closeAll());

  test('three recorded samples replay as the same three --json objects, with counts equal to ss', (t) => {
    if (!requireTool(t, 'ss', 'the counts are compared with ss')) return;
    const file = join(dir, 'three.ndjson');
    const before = ssStates();
    const live = run(['--json', '--count', '3', '-i', '0.2', '--record', file, '-f', FILTER]);
    const after = ssStates();
    assert.equal(live.code, 0, live.err);
    assert.deepEqual(after, before, 'the socket set stayed still while recording');
    const recorded = ndjson(live.out);
    assert.equal(recorded.length, 3);
    assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 4); // header + 3

    const replay = run(['--replay', file, '--json']);
    assert.equal(replay.code, 0, replay.err);
    assert.equal(replay.err, '');
    const replayed = ndjson(replay.out);
    assert.equal(replayed.length, 3);
    assert.deepEqual(replayed, recorded); // every key: time, states, deltas, rates, lists, counters
    for (const o of replayed) {
      assert.deepEqual(o.states, before);
      assert.equal(o.total, Object.values(before).reduce((a, b) => a + b, 0));
    }
    assert.ok(before.ESTABLISHED >= 6 && before.TIME_WAIT >= 4 && before.CLOSE_WAIT === 2, JSON.stringify(before));
    assert.deepEqual(replayed.map((o) => o.time), recorded.map((o) => o.time));

    // --once: the last sample's summary, labelled with the recorded host
    const once = run(['--replay', file, '--once']);
    assert.equal(once.code, 0, once.err);
    assert.match(once.out, new RegExp(`TIME_WAIT\\s+${before.TIME_WAIT}\\b`));
  });

  test('--record beside --check and --once: each sample recorded', () => {
    for (const [mode, samples] of [[['--check', '--count', '2', '-i', '0.2'], 2], [['--once'], 1]] as const) {
      const file = join(dir, `${mode[0].slice(2)}.ndjson`);
      const r = run([...mode, '--record', file, '-f', FILTER]);
      assert.equal(r.code, 0, r.err);
      const replayed = ndjson(run(['--replay', file, '--json']).out);
      assert.equal(replayed.length, samples, mode[0]);
      assert.deepEqual(replayed[0].states, ssStates());
    }
  });

  test('--record beside a headless --serve: the exporter\'s samples are recorded', async (t) => {
    const file = join(dir, 'serve.ndjson');
    const child = spawn(process.execPath, [CLI, '--serve', '127.0.95.3:19550', '-i', '0.2', '--record', file, '-f', FILTER], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    const lines = () => { try { return readFileSync(file, 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } };
    assert.ok(await waitFor(() => lines() >= 4, 10_000, 100), `lines: ${lines()}`);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    const replayed = ndjson(run(['--replay', file, '--json']).out);
    assert.ok(replayed.length >= 3);
    assert.deepEqual(replayed.at(-1)!.states, ssStates());
  });

  test('a tiny --record-max rotates: FILE.1 holds the previous sample, FILE the last; each replays on its own', () => {
    const file = join(dir, 'rot.ndjson');
    const r = run(['--json', '--count', '3', '-i', '0.2', '--record', file, '--record-max', '1K', '-f', FILTER]);
    assert.equal(r.code, 0, r.err);
    const live = ndjson(r.out);
    const cur = ndjson(run(['--replay', file, '--json']).out);
    const old = ndjson(run(['--replay', `${file}.1`, '--json']).out);
    assert.deepEqual(cur.map((o) => o.time), [live[2].time]);
    assert.deepEqual(old.map((o) => o.time), [live[1].time]);
    assert.deepEqual(cur[0].states, live[2].states);
  });

  test('a recording cut short replays up to its last whole line and says so once on stderr', () => {
    const file = join(dir, 'cut.ndjson');
    const r = run(['--json', '--count', '3', '-i', '0.2', '--record', file, '-f', FILTER]);
    assert.equal(r.code, 0, r.err);
    const text = readFileSync(file, 'utf8');
    truncateSync(file, text.length - Math.floor((text.length - text.lastIndexOf('\n', text.length - 2)) / 2));
    const replay = run(['--replay', file, '--json']);
    assert.equal(replay.code, 0, replay.err);
    assert.deepEqual(ndjson(replay.out), ndjson(r.out).slice(0, 2));
    assert.equal(replay.err, `tcptally: ${file}: the last line is cut short (the recording was stopped while writing it); replaying the 2 whole samples\n`);
  });
});

test('files that cannot be replayed: one line, exit 1', () => {
  const junk = join(dir, 'junk.txt');
  writeFileSync(junk, 'not a recording\n');
  const v9 = join(dir, 'v9.ndjson');
  writeFileSync(v9, '{"tcptally":"recording","format":9}\n');
  for (const [file, msg] of [
    [join(dir, 'missing.ndjson'), /^tcptally: cannot read .*missing\.ndjson: not found\n$/],
    [junk, /^tcptally: .*junk\.txt: not a tcptally recording \(no header line\)\n$/],
    [v9, /^tcptally: .*v9\.ndjson: recording format 9 is not supported \(this tcptally reads format 1\)\n$/],
  ] as const) {
    for (const mode of ['--json', '--once']) {
      const r = run(['--replay', file, mode]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, msg);
      assert.equal(r.out, '');
    }
  }
});

test('a recording that cannot be written: one line, exit 1, before or at the first sample', () => {
  const noDir = run(['--json', '--record', join(dir, 'no/such/dir/rec'), '-f', FILTER]);
  assert.equal(noDir.code, 1);
  assert.match(noDir.err, /^tcptally: cannot write .*no\/such\/dir\/rec: not found\n$/);
  assert.equal(noDir.out, '');
  const full = run(['--json', '--count', '2', '--record', '/dev/full', '-f', FILTER]);
  assert.equal(full.code, 1);
  assert.equal(full.err, 'tcptally: cannot write /dev/full: ENOSPC\n');
  assert.equal(full.out, '');
});

test('--replay cannot be combined with what samples the box or re-counts; --record-max needs --record', () => {
  for (const [args, msg] of [
    [['--replay', 'x', '-f', 'tw'], /--replay cannot be combined with a filter/],
    [['--replay', 'x', 'tw'], /--replay cannot be combined with a filter/],
    [['--replay', 'x', '--record', 'y'], /--replay cannot be combined with --record/],
    [['--replay', 'x', '--serve', '19551'], /--replay cannot be combined with --serve/],
    [['--replay', 'x', '--count', '2'], /--replay cannot be combined with --count/],
    [['--record-max', '1M'], /--record-max needs --record/],
    [['--record', 'x', '--record-max', '10'], /--record-max takes a size from 1K to 1024G .*got "10"/],
    [['--record', 'x', '--record-max', '5X'], /--record-max takes a size/],
  ] as const) {
    const r = run([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
  // with --check every failure is UNKNOWN (3), as monitors expect
  const check = run(['--replay', 'x', '--check']);
  assert.equal(check.code, 3);
  assert.match(check.err, /--replay cannot be combined with --check/);
});
