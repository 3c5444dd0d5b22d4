/**
 * Alerts end to end in a real terminal: tcptally --warn 'CLOSE_WAIT:19201 > 2' in a tmux pane, against a
 * CLOSE_WAIT pile this test makes on 127.0.92.1:19201. The header shows the rule, the port's rows turn
 * yellow (marked under NO_COLOR), the a key lists what fired, --bell writes BEL (and only with --bell).
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SocketFarm, ssCounts, waitFor, type Host } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const ADDR = '127.0.92.1' as Host;
const PORT = 19201;
const RULE = `CLOSE_WAIT:${PORT} > 2`;
const PILE = 3;

describe('alerts in the dashboard', { skip: suiteSkip(['tmux', 'pgrep', 'ss'], 'the dashboard runs in a tmux pane, checked against ss') }, () => {
  const farm = new SocketFarm();
  const panes: TmuxPane[] = [];

  before(async () => {
    await farm.listen(ADDR, PORT);
    await farm.closeWait(ADDR, PORT, PILE);
    assert.ok(await waitFor(() => ssCounts(new Set([PORT]), undefined, true).get('CLOSE-WAIT') === PILE), 'ss sees the pile');
  });

  after(async () => {
    for (const p of panes) p.kill();
    await farm.closeAll();
  });

  function open(name: string, args: string[], env: Record<string, string> = {}) {
    const pane = new TmuxPane(`alerts-${name}`);
    panes.push(pane);
    // no config file of the user's: only the rule given (and the conntrack fills)
    pane.start([process.execPath, CLI, '--interval', '0.5', '-f', `host ${ADDR}`, '--warn', RULE, ...args], 100, 30, { HOME: '/nonexistent', ...env });
    return pane;
  }

  test('the header shows the rule, the port\'s rows turn yellow, a lists it, --bell rings, q restores', async () => {
    const pane = open('bell', ['--bell']);
    const cw = ssCounts(new Set([PORT]), undefined, true).get('CLOSE-WAIT');
    let screen = await pane.waitFor(new RegExp(`WARN CLOSE_WAIT:${PORT} ${cw} > 2 since \\d\\d:\\d\\d:\\d\\d`));
    assert.doesNotMatch(screen.split('\n')[0], /more/, 'one rule firing');
    if (existsSync('/proc/sys/net/netfilter/nf_conntrack_count')) {
      const max = readFileSync('/proc/sys/net/netfilter/nf_conntrack_max', 'utf8').trim();
      assert.match(screen, new RegExp(`conntrack \\d+/${max} \\d+%`), 'nf_conntrack is loaded here: its fill in the strip');
    }
    // the port's rows (in: the listener and the CLOSE_WAIT, out: the FIN_WAIT2 peers) in yellow
    const strip = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, '');
    const coloured = pane.capture(true).split('\n').filter((l) => new RegExp(`^ *${PORT} `).test(strip(l)));
    assert.ok(coloured.length > 0 && coloured.every((l) => /\x1b\[[0-9;]*33[;m]/.test(l)), `rows of ${PORT} in yellow: ${JSON.stringify(coloured)}`);

    assert.ok(await waitFor(() => pane.output().includes('\x07'), 3000), 'BEL written when the rule started firing');
    assert.equal(pane.output().split('\x07').length - 1, 1, 'once: the rule holds, no more bells');

    pane.send(['a']);
    screen = await pane.waitFor(/^ALERTS {2}1 firing {2}1 events this run, newest first/m);
    assert.match(screen, new RegExp(`^ {2}\\d\\d:\\d\\d:\\d\\d {2}WARN {2}fired {4}CLOSE_WAIT:${PORT} ${PILE} > 2`, 'm'));
    // samples go on while the view is open (the log crosses from the worker only when it changes): still there
    await sleep(1500);
    screen = pane.capture();
    assert.match(screen, /^ALERTS {2}1 firing {2}1 events this run/m, screen);
    assert.match(screen, new RegExp(`fired {4}CLOSE_WAIT:${PORT} ${PILE} > 2`), screen);
    pane.send(['Escape']);
    await pane.waitFor(/ESTABLISHED/);
    pane.send(['q']);
    assert.equal(await pane.exitCode(), 0);
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true });
  });

  test('NO_COLOR: "!" marks the header and the port\'s rows; without --bell no BEL', async () => {
    const pane = open('plain', [], { NO_COLOR: '1' });
    const screen = await pane.waitFor(new RegExp(`! WARN CLOSE_WAIT:${PORT} \\d+ > 2 since`));
    const rows = screen.split('\n').filter((l) => new RegExp(`^ *${PORT} `).test(l));
    assert.ok(rows.length > 0 && rows.every((l) => /  !\s*$/.test(l)), `rows of ${PORT} marked: ${JSON.stringify(rows)}`);
    pane.send(['q']);
    assert.equal(await pane.exitCode(), 0);
    assert.equal(pane.output().includes('\x07'), false, 'no BEL without --bell');
  });
});
