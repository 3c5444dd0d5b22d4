/**
 * The dashboard and its terminal, in a real one (tmux): a resize repaints the whole screen (it equals a
 * fresh start of the program at the new size), and a terminal that goes away without a SIGHUP (the
 * session leader ignores it) ends the process cleanly instead of a native assertion at exit.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const dirs: string[] = [];

  before(async () => {
    // sockets that keep their state for the whole test (no TIME_WAIT: it expires)
    leak = await farm.listen(V4);
    web = await farm.listen('::1');
    await farm.closeWait(V4, leak, 4); // 4 CLOSE_WAIT + 4 FIN_WAIT2
    await farm.established('::1', web, 3); // 6 ESTABLISHED
  });

  after(async () => {
    for (const p of panes) p.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
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

  /**
   * Runs the dashboard in a pane under `sh -c '… 2>ERR; echo $? >RC'`, then closes the pty (the tmux
   * server goes away); returns what the wrapper recorded and whether the process ended in time.
   */
  async function dropTerminal(name: string, ignoreHup: boolean, signal?: NodeJS.Signals) {
    const dir = mkdtempSync(join(tmpdir(), 'tcptally-drop-'));
    dirs.push(dir);
    const err = join(dir, 'stderr'), rc = join(dir, 'rc');
    const pane = new TmuxPane(name);
    panes.push(pane);
    const script = `"$0" "$1" --dashboard --interval 0.5 2>'${err}'; echo $? >'${rc}'`;
    // the wrapper itself ignores SIGHUP so that it outlives the pty and records the exit code
    pane.start(['sh', '-c', `trap '' HUP; ${script}`, process.execPath, CLI], 80, 24, {}, { ignoreHup });
    await pane.waitFor(/sockets \d+/);
    const wrapper = pane.pid;
    const pid = Number(execFileSync('pgrep', ['-n', '-P', String(wrapper)], { encoding: 'utf8' }).trim());
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /--dashboard/, 'found the dashboard process');
    const t0 = Date.now();
    pane.kill(); // the pty's master side closes: reads see EOF, writes fail with EIO
    if (signal) process.kill(pid, signal); // what a session leader that dies of the hangup passes on
    while (Date.now() - t0 < 5000 && existsSync(`/proc/${pid}`)) await sleep(50);
    const gone = !existsSync(`/proc/${pid}`);
    const endMs = Date.now() - t0;
    while (Date.now() - t0 < 6000 && !existsSync(rc)) await sleep(50);
    return {
      gone,
      endMs,
      code: existsSync(rc) ? Number(readFileSync(rc, 'utf8').trim()) : null,
      stderr: existsSync(err) ? readFileSync(err, 'utf8') : '',
    };
  }

  test('the pty closes and no SIGHUP comes (the shell traps HUP): exit 0 at once, no native assertion', async () => {
    const r = await dropTerminal('hupignored', true);
    assert.ok(r.gone, 'the process ended');
    assert.ok(r.endMs < 3000, `ended within 3 s (took ${r.endMs} ms)`);
    assert.doesNotMatch(r.stderr, /Assertion|ResetStdio|Segmentation/, 'no native crash');
    assert.equal(r.stderr, '', 'nothing printed');
    assert.equal(r.code, 0);
  });

  test('the pty closes and SIGHUP follows: 129 (or 0 if the dead terminal was seen first), no native assertion', async () => {
    const r = await dropTerminal('hupafter', false, 'SIGHUP');
    assert.ok(r.gone, 'the process ended');
    assert.ok(r.endMs < 3000, `ended within 3 s (took ${r.endMs} ms)`);
    assert.doesNotMatch(r.stderr, /Assertion|ResetStdio|Segmentation/, 'no native crash');
    assert.ok(r.code === 129 || r.code === 0, `exit code ${r.code}`);
  });
});
