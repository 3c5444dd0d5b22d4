/**
 * The diagram against real sockets: a CLOSE_WAIT pile on 127.0.97.1 (a listener that never closes its
 * side), tcptally in a tmux pane (80×24, then 120×40; and ASCII without colour), `d` pressed: the
 * CLOSE_WAIT box shows ss's count and is the marked one. And `--once --diagram` into a pipe.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { waitFor } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
/** This test's own loopback address and port (no other test uses them). */
const HOST = '127.0.97.1';
const PORT = 19710;
const FILTER = `src ${HOST} or dst ${HOST}`;

/** Sockets `ss` sees in a state (ss's state name) on our address and port. */
function ss(state: string): number {
  const out = execFileSync('ss', ['-tanH', 'state', state, `( sport = :${PORT} or dport = :${PORT} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`${HOST}:${PORT}`)).length;
}

/**
 * A listener that never closes its side (the leak: the peer's FIN leaves its sockets in CLOSE_WAIT, the
 * peer's in FIN_WAIT2), and clients. Everything ends with a reset, so nothing lingers in TIME_WAIT or
 * FIN_WAIT2 for the next run to count.
 */
class Leak {
  private server: net.Server | null = null;
  private readonly sockets: net.Socket[] = [];

  async listen(): Promise<void> {
    this.server = net.createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => {});
      this.sockets.push(s);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen({ host: HOST, port: PORT }, resolve);
    });
  }

  /** n connections; the client half-closes those that should leak. */
  async connect(n: number, halfClose: boolean): Promise<void> {
    for (let i = 0; i < n; i++) {
      const c = net.connect({ host: HOST, port: PORT, allowHalfOpen: true });
      c.on('error', () => {});
      this.sockets.push(c);
      await new Promise<void>((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
      if (halfClose) c.end();
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.resetAndDestroy();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

describe('the diagram view against real sockets', { skip: suiteSkip(['tmux', 'ss'], 'the diagram runs in a tmux pane, checked against ss') }, () => {
  const leak = new Leak();
  const panes: TmuxPane[] = [];

  before(async () => {
    await leak.listen();
    await leak.connect(7, true);
    await leak.connect(2, false);
    assert.ok(await waitFor(() => ss('close-wait') === 7 && ss('fin-wait-2') === 7), 'seven CLOSE_WAIT made');
  });

  after(async () => {
    for (const p of panes) p.kill();
    await leak.close();
  });

  function open(name: string, columns: number, rows: number, env: Record<string, string> = {}) {
    const pane = new TmuxPane(name);
    panes.push(pane);
    pane.start([process.execPath, CLI, '--interval', '0.5', '-f', FILTER], columns, rows, env);
    return pane;
  }

  test('80×24: d shows the diagram, the CLOSE_WAIT box holds ss\'s count, marked and explained; it follows new sockets; 120×40 gets the full layout', async () => {
    const pane = open('diagram', 80, 24);
    await pane.waitFor(/PORT SERVICE/);
    pane.send(['d']);
    let screen = await pane.waitFor(/active opener[^]*┃CLOSE_WAIT/); // the diagram, with a sample's counts
    const lines = screen.replace(/\n$/, '').split('\n');
    assert.equal(lines.length, 24);
    assert.equal(lines[23].trim(), '', 'the last line is left blank');
    assert.ok(lines.every((l) => l.length <= 80));
    const box = (s: string, name: string) => Number(new RegExp(`[│┃] ?${name} +(\\d+)`).exec(s)?.[1]);
    assert.equal(box(screen, 'CLOSE_WAIT'), ss('close-wait'));
    assert.equal(box(screen, 'FIN_WAIT2'), ss('fin-wait-2'));
    assert.equal(box(screen, 'ESTABLISHED'), ss('established'));
    assert.equal(box(screen, 'LISTEN'), ss('listening'));
    assert.match(screen, /┃CLOSE_WAIT +7 *┃/, 'the largest pile, marked');
    assert.match(screen, /^CLOSE_WAIT 7: The peer closed; the local application has not called/m);

    await leak.connect(3, true); // three more leak
    assert.ok(await waitFor(() => ss('close-wait') === 10));
    screen = await pane.waitFor(/┃CLOSE_WAIT +10\b/);
    assert.equal(box(screen, 'CLOSE_WAIT'), ss('close-wait'));

    pane.resize(120, 40);
    screen = await pane.waitFor(/┃ CLOSE_WAIT +10 /);
    assert.match(screen, /┏━+┓/, 'the full layout: three-line boxes');
    assert.equal(box(screen, 'CLOSE_WAIT'), ss('close-wait'));
    assert.ok(screen.split('\n').every((l) => l.length <= 120));

    pane.send(['d']);
    await pane.waitFor(/PORT SERVICE/);
    pane.send(['q']);
    await pane.waitDead();
    assert.equal(await pane.exitCode(), 0);
  });

  test('ASCII (LANG=C) and NO_COLOR: + and | boxes, -> arrows, # for the marked box, no colour', async () => {
    const pane = open('diagram-ascii', 80, 24, { LANG: 'C', NO_COLOR: '1' });
    await pane.waitFor(/PORT SERVICE/);
    pane.send(['d']);
    const screen = await pane.waitFor(/#CLOSE_WAIT +\d+ *#/);
    assert.match(screen, /\|ESTABLISHED +\d+ *\|/);
    assert.match(screen, /--> *\|CLOSING|->\|CLOSING/);
    assert.match(screen, /^[\x20-\x7e\n]*$/, 'nothing outside ASCII');
    assert.equal(Number(/#CLOSE_WAIT +(\d+)/.exec(screen)?.[1]), ss('close-wait'));
    const escapes = pane.capture(true);
    assert.doesNotMatch(escapes, /\x1b\[[0-9;]*(3[0-7]|9[0-7])m/, 'no colour');
    pane.send(['q']);
    await pane.waitDead();
  });

  test('--once --diagram into a pipe: 100 columns, no colour, the CLOSE_WAIT box holds ss\'s count', () => {
    const out = execFileSync(process.execPath, [CLI, '--once', '--diagram', '-f', FILTER], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
    const n = ss('close-wait');
    assert.match(out, new RegExp(`┃ CLOSE_WAIT +${n} ┃`), out);
    assert.match(out, new RegExp(`^CLOSE_WAIT ${n}: The peer closed`, 'm'));
    assert.match(out, /^filter: src 127\.0\.97\.1 or dst 127\.0\.97\.1$/m);
    assert.doesNotMatch(out, /\x1b/);
    for (const l of out.split('\n')) assert.ok(l.length <= 100, l);
  });

  test('--diagram outside the text modes: one line on stderr, exit 2 (with --check: UNKNOWN, 3, as monitors expect)', () => {
    const check = spawnSync(process.execPath, [CLI, '--check', '--diagram'], { encoding: 'utf8' });
    assert.equal(check.status, 3);
    assert.match(check.stdout, /UNKNOWN - .*--diagram needs --once/);
    for (const args of [['--diagram'], ['--json', '--diagram'], ['--diagram', '--dashboard']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^tcptally: --diagram needs --once \(or --count \/ --watch\), and not --json, --check or --dashboard \(try tcptally --help\)\n$/);
      assert.equal(r.stdout, '');
    }
  });
});
