/**
 * Ephemeral-port headroom against the kernel, in a network namespace of the test's own
 * (tt-headroom-PID-1) with ip_local_port_range narrowed to 100 ports (40000–40099): a child inside
 * listens on 127.0.0.1:19800 and opens 80 connections to it, then closes 20 of them first (their client
 * side goes to TIME_WAIT). tcptally runs inside the namespace (`ip netns exec … node cli.js`), so it
 * reads that namespace's sockets and sysctls. Expected values come from `ss -tanH` inside the namespace
 * and from what the test wrote with sysctl -w, never from the code under test.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { NetnsFarm } from '../helpers/netns.js';
import { waitFor } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { requireTool, suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/headroom-child.js', import.meta.url));
const PORT = 19800; // the child's listener (test/helpers/headroom-child.ts)
const LO = 40000;
const HI = 40099;

interface SsRow { state: string; lport: number; peer: string }

/** `ss -tanH` inside the namespace, as rows. */
function ssRows(ns: string): SsRow[] {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-tanH'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).map((l) => {
    const f = l.trim().split(/\s+/);
    return { state: f[0], lport: Number(f[3].slice(f[3].lastIndexOf(':') + 1)), peer: f[4] };
  });
}

/** Sockets to 127.0.0.1:19800 whose local port is in [lo, hi], any state but LISTEN, counted from ss. */
function ssUsed(ns: string, lo: number, hi: number): number {
  return ssRows(ns).filter((r) => r.state !== 'LISTEN' && r.peer === `127.0.0.1:${PORT}` && r.lport >= lo && r.lport <= hi).length;
}

function cli(ns: string, args: string[]) {
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, CLI, ...args], {
    encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: '/nonexistent' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonHeadroom {
  headroom: { local: string; remote: string; port: number; used: number; size: number }[] | null;
  headroomCount: number | null;
  headroomSettings: { range: [number, number]; size: number; reserved: number; twReuse: number | null; finTimeout: number | null } | null;
}

function json(ns: string, args: string[] = []): JsonHeadroom {
  const r = cli(ns, ['--json', ...args]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as JsonHeadroom;
}

const sysctl = (ns: string, setting: string) => execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', setting]);

describe('ephemeral-port headroom inside a namespace with a 100-port range', { skip: suiteSkip(['ss', 'ip', 'netns'], 'the test makes a namespace of its own') }, () => {
  const name = `tt-headroom-${process.pid}-1`;
  const farm = new NetnsFarm(name, CHILD);

  before(async () => {
    await farm.start();
    sysctl(name, `net.ipv4.ip_local_port_range=${LO} ${HI}`);
    // all 80 first, then 20 of them closed: no connect() runs while TIME_WAITs exist (tw_reuse could
    // hand one of their 4-tuples to a new connection)
    await farm.command('open 80');
    await farm.command('tw 20');
    const settled = await waitFor(() => {
      const rows = ssRows(name).filter((r) => r.peer === `127.0.0.1:${PORT}`);
      return rows.filter((r) => r.state === 'TIME-WAIT').length === 20 && rows.filter((r) => r.state === 'ESTAB').length === 60;
    }, 10_000);
    assert.ok(settled, `ss inside: 60 ESTAB + 20 TIME-WAIT clients, got ${JSON.stringify(ssRows(name).map((r) => r.state))}`);
  });
  after(() => farm.stop());

  test('80 / 100 for that destination, equal to what ss shows; the settings are the namespace\'s', () => {
    const j = json(name);
    const ss = ssUsed(name, LO, HI);
    assert.equal(ss, 80, 'ss: 80 client sockets on ports of the range');
    const row = j.headroom?.find((r) => r.remote === '127.0.0.1' && r.port === PORT);
    assert.deepEqual(row, { local: '127.0.0.1', remote: '127.0.0.1', port: PORT, used: ss, size: 100 });
    assert.equal(j.headroom![0], row, 'the fullest destination first');
    assert.equal(j.headroomCount, 1, 'the server side (port 19800, a listener) is no destination');
    const tw = Number(execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-n', 'net.ipv4.tcp_tw_reuse'], { encoding: 'utf8' }));
    const fin = Number(execFileSync('ip', ['netns', 'exec', name, 'sysctl', '-n', 'net.ipv4.tcp_fin_timeout'], { encoding: 'utf8' }));
    assert.deepEqual(j.headroomSettings, { range: [LO, HI], size: 100, reserved: 0, twReuse: tw, finTimeout: fin, otherNamespaceSockets: 0 });
  });

  test('--check: headroom > 70% warns (exit 1); the built-in headroom > 80% does not fire at 80 %', () => {
    const warn = cli(name, ['--check', '--warn', 'headroom > 70%']);
    assert.equal(warn.code, 1, warn.out + warn.err);
    assert.match(warn.out, /^TCPTALLY WARNING - headroom 80% > 70% \| /);
    assert.match(warn.out, / headroom=80;;;0;100 headroom_fill=80%;70;;0;100/);
    const plain = cli(name, ['--check']);
    assert.equal(plain.code, 0, plain.out + plain.err);
    assert.match(plain.out, / headroom_fill=80%;80;90;0;100/, 'the built-in fills as thresholds');
  });

  test('--once: the section names the destination with 80/100, marked', () => {
    const r = cli(name, ['--once']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}range 40000.40099 \(100 ports\)/m);
    assert.match(r.out, /^! 127\.0\.0\.1 +127\.0\.0\.1:19800 +80\/100 +80\.0$/m);
  });

  test('the dashboard inside the namespace: e shows the destination at 80/100, marked without colour; q quits', async (t) => {
    if (!requireTool(t, 'tmux', 'a real terminal')) return;
    const pane = new TmuxPane('headroom');
    t.after(() => pane.kill());
    pane.start(['ip', 'netns', 'exec', name, process.execPath, CLI], 80, 24, { NO_COLOR: '1' });
    await pane.waitFor(/^sockets \d+ /m);
    pane.send(['e']);
    const screen = await pane.waitFor(/^ephemeral ports: range 40000.40099 \(100 ports\)/m);
    assert.match(screen, /^! 127\.0\.0\.1 +127\.0\.0\.1:19800 +80\/100 +80\.0 +\[█+[▏▎▍▌▋▊▉]? *\]$/m, screen);
    assert.ok(screen.split('\n').every((l) => l.length <= 80));
    pane.send(['q']);
    assert.equal(await pane.exitCode(), 0);
  });

  test('from outside with --pid: the namespace\'s sysctls cannot be read from here, so headroom is null', () => {
    const r = spawnSync(process.execPath, [CLI, '--json', '--pid', String(farm.pid)], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as JsonHeadroom & { states: Record<string, number> };
    assert.equal(j.states.TIME_WAIT, 20, 'the namespace\'s sockets were read');
    assert.deepEqual([j.headroom, j.headroomCount, j.headroomSettings], [null, null, null]);
  });

  test('reserved ports shrink the size and their sockets are not counted (last: it changes the namespace)', () => {
    sysctl(name, 'net.ipv4.ip_local_reserved_ports=40000-40009,40099');
    const j = json(name);
    const ss = ssUsed(name, 40010, 40098);
    assert.ok(ss > 0 && ss <= 80);
    const row = j.headroom?.find((r) => r.remote === '127.0.0.1' && r.port === PORT);
    assert.deepEqual(row && [row.used, row.size], [ss, 89]);
    assert.deepEqual(j.headroomSettings && [j.headroomSettings.size, j.headroomSettings.reserved], [89, 11]);
  });
});
