/**
 * End to end in a real terminal: the built tcptally in a tmux pane of 80×24 and 120×40, against real
 * loopback sockets this test creates; the screen is read with capture-pane and compared with ss.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SocketFarm, ssCounts, V4 } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
/** Whether any SGR sequence sets a colour: 30-38, 40-48, 90-97, 100-107 (39/49 only reset to default). */
function hasColour(screen: string): boolean {
  for (const m of screen.matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const p of m[1].split(';').map(Number)) {
      if ((p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) return true;
    }
  }
  return false;
}

/** The frame uses at most rows − 1 lines: the terminal's last line stays blank. */
function assertFits(screen: string, columns: number, rows: number): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  assert.equal(lines.length, rows);
  assert.equal(lines[rows - 1].trim(), '', 'the last line is left blank');
  assert.ok(lines.every((l) => l.length <= columns));
}

describe('the dashboard in a real terminal', { skip: suiteSkip(['tmux', 'pgrep', 'ss'], 'the dashboard runs in a tmux pane, checked against ss') }, () => {
  const farm = new SocketFarm();
  let leak = 0, db = 0, web = 0;
  const panes: TmuxPane[] = [];

  before(async () => {
    leak = await farm.listen(V4); // a service that never closes: CLOSE_WAIT piles up
    db = await farm.closingListener(V4); // a backend we open and close: TIME_WAIT storm
    web = await farm.listen('::1');
    await farm.closeWait(V4, leak, 6);
    await farm.timeWait(V4, db, 9);
    await farm.established('::1', web, 3);
  });

  after(async () => {
    for (const p of panes) p.kill();
    await farm.closeAll();
  });

  function open(name: string, columns: number, rows: number, args: string[] = [], env: Record<string, string> = {}) {
    const pane = new TmuxPane(name);
    panes.push(pane);
    pane.start([process.execPath, CLI, '--interval', '0.5', ...args], columns, rows, env);
    return pane;
  }

  const ourFilter = () => `(port = ${leak} or port = ${db} or port = ${web}) and (addr ${V4} or addr ::1)`;

  test('80×24: counts for our ports equal ss; filter, sort, help, q; the terminal is restored', async () => {
    const pane = open('small', 80, 24, [], { CI: 'true' }); // CI set must not stop Ink from drawing
    let screen = await pane.waitFor(/sockets \d+/);
    assert.equal(pane.info('#{alternate_on}'), '1', 'runs on the alternate screen');
    assert.equal(pane.restored().cursorShown, false, 'cursor hidden while running');
    assertFits(screen, 80, 24);

    pane.send(['/']);
    pane.send([`${ourFilter()} and bogus`], true);
    screen = await pane.waitFor(/^filter> .*\n✗ "bogus" at column \d+/m);
    pane.send(['Enter']);
    await pane.waitFor(/^filter> .*bogus *\n✗/m); // a bad filter stays, nothing lost
    for (let i = 0; i < ' and bogus'.length; i++) pane.send(['BSpace']);
    pane.send(['Enter']);
    screen = await pane.waitFor(/filter: \(port =/);

    const ss = ssCounts(new Set([leak, db, web]));
    const shown = (name: string) => Number(new RegExp(`^.${name} +(\\d+)`, 'm').exec(screen)?.[1]);
    await pane.waitFor(new RegExp(`CLOSE_WAIT +${ss.get('CLOSE-WAIT')}\\b`));
    screen = pane.capture();
    assert.equal(shown('CLOSE_WAIT'), ss.get('CLOSE-WAIT'));
    assert.equal(shown('TIME_WAIT'), ss.get('TIME-WAIT'));
    assert.equal(shown('FIN_WAIT2'), ss.get('FIN-WAIT-2'));
    assert.equal(shown('ESTABLISHED'), ss.get('ESTAB'));
    assert.equal(shown('LISTEN'), ss.get('LISTEN'));
    // the leaking port is a row with its CLOSE_WAIT count; the TIME_WAIT backend counts "out"
    assert.match(screen, new RegExp(`^ *${leak} .* in +${6 + 1} +\\. +\\. +6 `, 'm'));
    assert.match(screen, new RegExp(`^ *${db} .* out +9 +\\. +9 `, 'm'));

    pane.send(['s', 's', 's']); // ESTAB → TIME_W → CLOSE_W
    screen = await pane.waitFor(/▼CLOSE_W/);
    const firstRow = screen.split('\n').findIndex((l) => /PORT SERVICE/.test(l)) + 1;
    assert.match(screen.split('\n')[firstRow], new RegExp(`^ *${leak} `), 'sorted by CLOSE_WAIT: the leaker first');

    pane.send(['?']);
    await pane.waitFor(/^KEYS/m);
    pane.send(['Escape']);
    await pane.waitFor(/PORT SERVICE/);

    pane.send(['q']);
    await pane.waitDead();
    assert.equal(pane.info('#{alternate_on}'), '0', 'out of the alternate screen after q');
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true }, 'cursor visible after q');
    assert.equal(await pane.exitCode(), 0);
  });

  test('120×40: more rows, Tab to peers, processes and listeners, Enter drills down; SIGTERM restores the terminal', async () => {
    const pane = open('large', 120, 40, ['--filter', ourFilter()]);
    let screen = await pane.waitFor(new RegExp(`^ *${leak} `, 'm'));
    assertFits(screen, 120, 40);
    pane.send(['Tab']);
    screen = await pane.waitFor(/REMOTE HOST/);
    assert.match(screen, /^127\.0\.0\.1 +\d+/m);
    pane.send(['Tab', 'Tab']); // host:port, then processes: this test process holds every socket of the filter
    // (the walk of /proc is spread over samples on a busy box: wait for it)
    await pane.waitFor(new RegExp(`^ +${process.pid} node +root +\\d+`, 'm'), 20_000);
    pane.send(['Tab']); // the listeners: the test's own, with their queue against their backlog
    await pane.waitFor(/ADDRESS:PORT +OWNER +QUEUE\/BACKLOG +FILL +GAUGE +SYN_RECV/);
    pane.send(['Tab']); // the ephemeral-port headroom closes the cycle
    await pane.waitFor(/^ephemeral ports: range /m);
    pane.send(['Tab']); // back to ports
    await pane.waitFor(/PORT SERVICE/);
    pane.send(['s', 's', 's', 'Enter']); // sort by CLOSE_W, drill into the leaker
    screen = await pane.waitFor(new RegExp(`drill-down: port ${leak} .*CLOSE_W 6`));
    // the peers are that port's only: its clients, all on 127.0.0.1 (the re-count may follow the title by a sample)
    // (a screen without the ::1 peer of another port: the re-count has arrived)
    screen = await pane.waitFor(/^(?![\s\S]*\n::1 )[\s\S]*\nREMOTE HOST[\s\S]*\n127\.0\.0\.1 +6 +\. +\. +6 /);
    // its CLOSE_WAIT sockets were there before the dashboard started: at least as old as its run
    assert.match(screen, /oldest: ESTABLISHED \S+ +CLOSE_WAIT ≥\d+s/);
    process.kill(pane.pid, 'SIGTERM');
    await pane.waitDead();
    assert.equal(await pane.exitCode(), 143);
    assert.equal(pane.info('#{alternate_on}'), '0', 'out of the alternate screen after SIGTERM');
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true });
  });

  test('SIGHUP (the SSH session dropped) restores the terminal', async () => {
    const pane = open('hup', 80, 24);
    await pane.waitFor(/sockets \d+/);
    process.kill(pane.pid, 'SIGHUP');
    await pane.waitDead();
    assert.equal(await pane.exitCode(), 129);
    assert.equal(pane.info('#{alternate_on}'), '0');
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true });
  });

  test('NO_COLOR leaves no colour escapes on the screen (and colour is there without it)', async () => {
    const plain = open('nocolor', 100, 30, [], { NO_COLOR: '1' });
    await plain.waitFor(/sockets \d+/);
    await plain.waitFor(/LISTEN/);
    assert.equal(hasColour(plain.capture(true)), false);
    const coloured = open('color', 100, 30);
    await coloured.waitFor(/LISTEN/);
    assert.equal(hasColour(coloured.capture(true)), true, 'the check can fail');
    plain.send(['q']);
    coloured.send(['q']);
  });

  test('a terminal too small says so instead of a garbled frame; a resize reflows', async () => {
    const pane = open('tiny', 50, 12);
    await pane.waitFor(/terminal too small: need 64×16, have 50×12/);
    pane.resize(100, 30);
    const screen = await pane.waitFor(/PORT SERVICE/);
    assertFits(screen, 100, 30);
    assert.doesNotMatch(screen, /too small/);
    pane.send(['q']);
    await pane.waitDead();
    assert.equal(pane.info('#{alternate_on}'), '0');
  });

  test('TERM=dumb gets the plain summary, not the dashboard', async () => {
    const pane = new TmuxPane('dumb'); // tmux sets TERM itself: override it inside the pane
    panes.push(pane);
    pane.start(['env', 'TERM=dumb', process.execPath, CLI], 100, 40);
    await pane.waitFor(/\[exit 0\]/);
    // all it wrote (the summary is taller than the pane since it lists listeners and ephemeral ports)
    assert.match(pane.output(), /^SERVICE PORT/m);
    assert.doesNotMatch(pane.output(), /\x1b\[\?1049h/, 'never the alternate screen');
  });

  test('the terminal going away (SSH drop: the pty closes) ends the process', async () => {
    const pane = open('drop', 80, 24);
    await pane.waitFor(/sockets \d+/);
    const pid = pane.pid;
    pane.kill(); // the tmux server and its pty are gone: SIGHUP, then EIO on stdout
    const end = Date.now() + 5000;
    while (Date.now() < end && existsSync(`/proc/${pid}`)) await sleep(50);
    assert.equal(existsSync(`/proc/${pid}`), false, 'the process exited');
  });

  test('a non-UTF-8 locale gets ASCII bars', async () => {
    const pane = open('ascii', 100, 30, [], { LANG: 'C', LC_ALL: 'C' });
    const screen = await pane.waitFor(/LISTEN +\d+ +#/);
    assert.doesNotMatch(screen, /[█▏▎▍▌▋▊▉▁▂▃▄▅▆▇]/);
    pane.send(['q']);
  });
});
