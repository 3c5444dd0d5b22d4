/**
 * Record beside the dashboard and replay in it, in a real terminal (tmux panes of our own, named
 * replay-*): the dashboard records real sockets on 127.0.95.2 with --record; the replay shows the
 * recorded time and counts, and `,` / `.` step through the samples (the times read from the file
 * with JSON.parse, not from tcptally's decoder); `/` says a filter is not available; q restores.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SocketFarm, waitFor, type Host } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const HOST = '127.0.95.2' as Host;

/** The recorded time as the replay marker shows it under TZ=UTC, tenths included (interval < 1 s). */
const shown = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 21);

describe('replay in a real terminal', { skip: suiteSkip(['tmux', 'pgrep'], 'the dashboard records and replays in tmux panes') }, () => {
  const farm = new SocketFarm();
  const panes: TmuxPane[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-replay-e2e-'));
  const file = join(dir, 'incident.ndjson');

  before(async () => {
    const port = await farm.listen(HOST, 19540);
    await farm.established(HOST, port, 4); // 8 ESTABLISHED + 1 LISTEN on HOST
  });
  after(async () => {
    for (const p of panes) p.kill();
    await farm.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(name: string, args: string[]) {
    const pane = new TmuxPane(name);
    panes.push(pane);
    pane.start([process.execPath, CLI, ...args], 120, 30, { TZ: 'UTC' });
    return pane;
  }

  test('the dashboard records; the replay steps back and forward through the recorded samples', async () => {
    const rec = open('replay-rec', ['--interval', '0.2', '--record', file, '-f', `src ${HOST} or dst ${HOST}`]);
    await rec.waitFor(/^.ESTABLISHED +8\b/m);
    const samples = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).length - 1;
    assert.ok(await waitFor(() => samples() >= 6, 8000, 100), `samples recorded: ${samples()}`);
    rec.send(['q']);
    await rec.waitDead();
    assert.equal(await rec.exitCode(), 0);

    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const header = JSON.parse(lines[0]) as { tcptally: string; host: string };
    assert.equal(header.tcptally, 'recording');
    const recorded = lines.slice(1).map((l) => JSON.parse(l) as { time: number; tally: { states: number[] } });
    const times = recorded.map((o) => o.time);
    const n = times.length;
    const last = recorded[n - 1].tally.states;

    const play = open('replay-play', ['--replay', file]);
    // it plays from the first sample at the recorded pace, and stops at the last
    let screen = await play.waitFor(new RegExp(`REPLAY ${shown(times[n - 1]).replace('.', '\\.')} ×1 ⏸ ${n}/${n}`), 15_000);
    assert.match(screen, /^tcptally +\S+ +src netlink +every 0\.2s/m);
    // the last sample's counts as recorded (TIME_WAIT left by an earlier run may be among them)
    assert.match(screen, new RegExp(`sockets ${last.reduce((a, b) => a + (b ?? 0), 0)} of \\d+`));
    assert.match(screen, /^.ESTABLISHED +8\b/m);
    assert.match(screen, /^.LISTEN +1\b/m);
    assert.match(screen, new RegExp(`^.TIME_WAIT +${last[6] ?? 0}\\b`, 'm'));

    play.send([',']);
    screen = await play.waitFor(new RegExp(`${shown(times[n - 2]).replace('.', '\\.')} ×1 ⏸ ${n - 1}/${n}`));
    play.send([',', ',']);
    await play.waitFor(new RegExp(`${shown(times[n - 4]).replace('.', '\\.')} ×1 ⏸ ${n - 3}/${n}`));
    play.send(['.']);
    await play.waitFor(new RegExp(`${shown(times[n - 3]).replace('.', '\\.')} ×1 ⏸ ${n - 2}/${n}`));
    play.send(['[']); // a minute back: the first sample
    await play.waitFor(new RegExp(`${shown(times[0]).replace('.', '\\.')} ×1 ⏸ 1/${n}`));
    play.send(['>', '>']);
    await play.waitFor(/ ×4 ⏸ /);

    play.send(['/']);
    await play.waitFor(/filter not available in replay/);
    play.send(['Escape']);
    play.send(['?']);
    await play.waitFor(/^KEYS/m);
    // the replay keys are in the help's key list (a page or two down)
    let found = false;
    for (let page = 0; page < 4 && !found; page++) {
      found = /,\s+replay: one sample back \(pauses\)/.test(play.capture());
      if (!found) {
        play.send(['NPage']);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    assert.ok(found, play.capture());
    play.send(['Escape']);
    await play.waitFor(/REPLAY/);

    play.send(['q']);
    await play.waitDead();
    assert.equal(await play.exitCode(), 0);
    assert.equal(play.info('#{alternate_on}'), '0');
    assert.deepEqual(play.restored(), { cursorShown: true, leftAltScreen: true });
  });
});
