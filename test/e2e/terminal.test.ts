/**
 * The dashboard and its terminal, in a real one (tmux): a resize repaints the whole screen (it equals a
 * fresh start of the program at the new size).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SocketFarm, V4 } from '../helpers/sockets.js';
import { TmuxPane, tmuxAvailable } from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const REQUIRE_ALL = process.env.CI === 'true' || process.env.CI === '1';

/**
 * A captured screen with what legitimately differs between two runs over the same sockets masked: the
 * last sample's cost in the header (and the OS text after it, cut at a width that depends on it), the
 * trend's sparkline (as long as the history) and the counters strip (box-wide kernel counters).
 */
function masked(screen: string): string {
  return screen
    .replace(/\n$/, '')
    .split('\n')
    .map((l, i) => {
      if (i === 0) return l.replace(/ sample .*$/, ' sample …');
      if (/ now \d+ min \d+ max \d+/.test(l)) return l.replace(/^(\s*\S+).*? now /, '$1 ~ now ');
      if (/^ \/s |after the second sample/.test(l)) return '<counters>';
      return l;
    })
    .join('\n');
}

/** Polls until the masked screens of `a` and `b` are equal (bounded), then asserts it with both shown. */
async function assertSameScreen(a: TmuxPane, b: TmuxPane, what: string, ms = 6000): Promise<void> {
  const end = Date.now() + ms;
  let sa = '', sb = '';
  while (Date.now() < end) {
    sa = masked(a.capture());
    sb = masked(b.capture());
    if (sa === sb) break;
    await sleep(200);
  }
  assert.equal(sa, sb, what);
}

describe('the dashboard and its terminal (tmux)', { skip: !tmuxAvailable() && !REQUIRE_ALL ? 'tmux not installed' : false }, () => {
  const farm = new SocketFarm();
  let leak = 0, web = 0;
  const panes: TmuxPane[] = [];

  before(async () => {
    // sockets that keep their state for the whole test (no TIME_WAIT: it expires)
    leak = await farm.listen(V4);
    web = await farm.listen('::1');
    await farm.closeWait(V4, leak, 4); // 4 CLOSE_WAIT + 4 FIN_WAIT2
    await farm.established('::1', web, 3); // 6 ESTABLISHED
  });

  after(async () => {
    for (const p of panes) p.kill();
    await farm.closeAll();
  });

  const args = () => ['--interval', '0.5', '--filter', `(port = ${leak} or port = ${web}) and (addr ${V4} or addr ::1)`];

  function open(name: string, columns: number, rows: number): TmuxPane {
    const pane = new TmuxPane(name);
    panes.push(pane);
    pane.start([process.execPath, CLI, ...args()], columns, rows);
    return pane;
  }

  async function ready(pane: TmuxPane): Promise<void> {
    await pane.waitFor(/CLOSE_WAIT +4\b/);
    await pane.waitFor(/^ \/s /m); // the second sample is in: rates, and the OS line
  }

  test('shrinking 100×30 → 80×24, then growing to 120×40: the screen equals a fresh start at that size', async () => {
    const pane = open('resize', 100, 30);
    await ready(pane);

    pane.resize(80, 24);
    const small = open('fresh80', 80, 24);
    await ready(small);
    await sleep(1200); // a sample or two after the resize
    await assertSameScreen(pane, small, 'after shrinking to 80×24');
    small.send(['q']);

    pane.resize(120, 40);
    const large = open('fresh120', 120, 40);
    await ready(large);
    await sleep(1200);
    await assertSameScreen(pane, large, 'after growing to 120×40');
    large.send(['q']);
    pane.send(['q']);
    await pane.waitDead();
    assert.equal(await pane.exitCode(), 0);
    // nothing drawn after leaving the alternate screen (a stray frame there erased the shell's lines)
    const out = pane.output();
    const left = out.lastIndexOf('\x1b[?1049l');
    assert.ok(left > 0, 'left the alternate screen');
    assert.doesNotMatch(out.slice(left), /\x1b\[\d+;1H|\x1b\[K|\x1b\[2J/, 'no drawing on the main screen');
  });
});
