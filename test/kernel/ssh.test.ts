/**
 * --ssh against a real OpenSSH server on loopback (test/helpers/sshd.ts). The remote is this box, so
 * `ss` here is the oracle: the per-state counts of the sockets on 127.0.94.2 that tcptally reads over
 * SSH must equal ss's, in both remote modes — node-remote (the remote's PATH has node) and proc-remote
 * (an sshd whose SetEnv PATH has no node). Then the link: sshd killed mid-stream → the host is down;
 * sshd back → up again.
 */

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { STATE_NAMES, TCP_STATES } from '../../src/model/states.js';
import { SocketFarm, waitFor, type Host } from '../helpers/sockets.js';
import { REMOTE_V4, SshKeys, SSHD_ADDR, TestSshd } from '../helpers/sshd.js';
import { requireTool, suiteSkip } from '../helpers/tools.js';
import { TmuxPane } from '../helpers/tmux.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const HOST = REMOTE_V4 as Host;
const FILTER = `src ${REMOTE_V4} or dst ${REMOTE_V4}`;
const PORT_NODE = 19401;
const PORT_PROC = 19402;
/** A remote whose PATH has a shell only: it cannot read its /proc. */
const PORT_BARE = 19403;
const DEST = `root@${SSHD_ADDR}`;

/** ss's per-state counts (tcptally's state names) of the sockets with an end on REMOTE_V4. */
function ssCounts(): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(STATE_NAMES.map((n) => [n, 0]));
  const byName = new Map(TCP_STATES.map((s) => [s.ssName, s.name]));
  for (const line of execFileSync('ss', ['-tanH'], { encoding: 'utf8', maxBuffer: 1 << 30 }).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const host = (col: string) => col.slice(0, col.lastIndexOf(':')).replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
    if (host(f[3]) !== REMOTE_V4 && host(f[4]) !== REMOTE_V4) continue;
    const name = byName.get(f[0]);
    if (name) out[name]++;
  }
  return out;
}

interface JsonLine {
  host: string;
  link: string;
  mode: string | null;
  source?: string;
  total?: number;
  states?: Record<string, number>;
  families?: { v4: number; v6: number };
  bytesPerSample?: number;
  error?: string | null;
  alerts?: { level: string; rule: string }[];
}

function runJson(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One --json sample over SSH equals ss (taken before and after it; retried while ss changes meanwhile). */
async function assertEqualsSsOverSsh(port: number, mode: string): Promise<JsonLine> {
  let last: [JsonLine, Record<string, number>] | null = null;
  // TIME_WAIT sockets of an earlier run on 127.0.94.2 expire meanwhile: up to 10 tries
  for (let attempt = 0; attempt < 10; attempt++) {
    const before = ssCounts();
    const r = await runJson(['--json', '--top', '0', '--ssh', DEST, '--ssh-command', keys.sshCommand(port), '-f', FILTER]);
    assert.equal(r.code, 0, `tcptally failed: ${r.stderr}`);
    const after = ssCounts();
    const j = JSON.parse(r.stdout) as JsonLine;
    assert.equal(j.mode, mode, 'the remote mode chosen');
    assert.equal(j.source, mode);
    assert.equal(j.host, DEST);
    if (JSON.stringify(before) !== JSON.stringify(after)) continue;
    last = [j, before];
    if (JSON.stringify(j.states) === JSON.stringify(before)) return j;
  }
  assert.ok(last, 'ss kept changing under the test');
  assert.deepEqual(last[0].states, last[1], 'per-state counts over SSH differ from ss');
  return last[0];
}

let keys: SshKeys;

/** An ssh config naming the two servers: alpha (node-remote) and beta (proc-remote). */
function sshConfig(): string {
  const config = join(keys.dir, 'ssh_config');
  writeFileSync(config, [
    `Host alpha\n  HostName ${SSHD_ADDR}\n  Port ${PORT_NODE}`,
    `Host beta\n  HostName ${SSHD_ADDR}\n  Port ${PORT_PROC}`,
    `Host *\n  User root\n  IdentityFile ${keys.userKey}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR`,
    '',
  ].join('\n'));
  return config;
}
const servers: TestSshd[] = [];
const farm = new SocketFarm();
const children: ChildProcess[] = [];

describe('--ssh against a real sshd', { skip: suiteSkip(['ss', 'sshd'], 'the --ssh tests run OpenSSH on loopback') }, () => {
  before(async () => {
    keys = new SshKeys();
    servers.push(
      new TestSshd(keys, { port: PORT_NODE }),
      new TestSshd(keys, { port: PORT_PROC, path: keys.noNodePath }),
      new TestSshd(keys, { port: PORT_BARE, path: keys.pathOf(join(keys.dir, 'bin-sh-only'), ['sh']) }),
    );
    for (const s of servers) await s.start();
    // sockets on 127.0.94.2 in several states: LISTEN, ESTABLISHED pairs, TIME_WAIT, CLOSE_WAIT / FIN_WAIT2
    const l = await farm.listen(HOST);
    const closing = await farm.closingListener(HOST);
    await farm.established(HOST, l, 5);
    await farm.timeWait(HOST, closing, 3);
    await farm.closeWait(HOST, l, 2);
    // IPv6 too (/proc/net/tcp6): a listener on the v4-mapped address, its accepted sockets in tcp6
    const mapped = await farm.listen(`::ffff:${REMOTE_V4}` as Host);
    await farm.established(HOST, mapped, 2);
    assert.ok(await waitFor(() => ssCounts().CLOSE_WAIT === 2 && ssCounts().TIME_WAIT >= 3, 5000), `the farm's states: ${JSON.stringify(ssCounts())}`);
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
    for (const s of servers) await s.kill();
    await farm.closeAll();
    keys?.cleanup();
  });

  test('node-remote (node on the remote PATH): counts over SSH equal ss', async () => {
    const j = await assertEqualsSsOverSsh(PORT_NODE, 'node-remote');
    assert.ok(j.total! >= 22, `the farm's sockets are counted: ${j.total}`);
    assert.equal(j.families!.v6, 3, 'the v4-mapped listener and its 2 accepted sockets');
    assert.ok(j.bytesPerSample! > 0);
  });

  test('proc-remote (no node on the remote PATH): counts over SSH equal ss', async () => {
    const j = await assertEqualsSsOverSsh(PORT_PROC, 'proc-remote');
    assert.ok(j.total! >= 22, `the farm's sockets are counted: ${j.total}`);
    assert.equal(j.families!.v6, 3, 'the v4-mapped listener and its 2 accepted sockets');
    // the whole /proc text crossed the link: at least a row (~150 bytes) per socket read
    assert.ok(j.bytesPerSample! > 150 * j.total!, `bytes per sample ${j.bytesPerSample}`);
  });

  test('an unreachable host: one line naming it and ssh\'s reason, exit 1', async () => {
    const r = await runJson(['--json', '--ssh', DEST, '--ssh-command', keys.sshCommand(19499)]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^tcptally: ${DEST}: .*Connection refused\\n$`));
  });

  test('an auth failure: one line naming the host, exit 1', async () => {
    const other = join(keys.dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const r = await runJson(['--once', '--ssh', DEST, '--ssh-command', keys.sshCommand(PORT_NODE).replace(keys.userKey, other)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^tcptally: ${DEST}: .*Permission denied`));
  });

  test('a remote that cannot read its /proc (no cat): one line naming the host and why, exit 1', async () => {
    const r = await runJson(['--once', '--ssh', DEST, '--ssh-command', keys.sshCommand(PORT_BARE)]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `tcptally: ${DEST}: cannot read /proc/net/tcp\n`);
  });

  test('two hosts (an ssh config names them): --json objects carry each host, in each mode', async () => {
    const config = sshConfig();
    const r = await runJson(['--json', '--count', '2', '-i', '0.3', '--top', '0', '--ssh', 'alpha,beta', '--ssh-command', `ssh -F ${config}`, '-f', FILTER,
      '--warn', 'CLOSE_WAIT > 1', '--crit', 'CLOSE_WAIT > 100']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonLine);
    const of = (h: string) => lines.filter((l) => l.host === h);
    assert.equal(of('alpha').length, 2);
    assert.equal(of('beta').length, 2);
    assert.deepEqual(of('alpha').map((l) => l.mode), ['node-remote', 'node-remote']);
    assert.deepEqual(of('beta').map((l) => l.mode), ['proc-remote', 'proc-remote']);
    const ss = ssCounts();
    // both read the same box: the stable states agree with ss (TIME_WAIT may age out meanwhile)
    for (const l of lines) for (const s of ['LISTEN', 'ESTABLISHED', 'CLOSE_WAIT', 'FIN_WAIT2']) assert.equal(l.states![s], ss[s], `${l.host} ${s}`);
    // the rules are evaluated where each host is counted: the 2 CLOSE_WAIT fire the warning, not the critical
    for (const l of lines) assert.deepEqual(l.alerts!.map((a) => [a.level, a.rule]), [['warning', 'CLOSE_WAIT > 1']], l.host);
  });

  for (const [port, mode] of [[PORT_NODE, 'node-remote'], [PORT_PROC, 'proc-remote']] as const) {
    test(`${mode}: sshd killed mid-stream → the host is down; sshd back → up again`, async () => {
      const server = servers.find((s) => s.opts.port === port)!;
      const child = spawn(process.execPath, [CLI, '--json', '--watch', '-i', '0.3', '--top', '0', '--ssh', DEST, '--ssh-command', keys.sshCommand(port), '-f', FILTER], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const seen: JsonLine[] = [];
      createInterface({ input: child.stdout! }).on('line', (l) => seen.push(JSON.parse(l) as JsonLine));
      const upAfter = (i: number) => seen.slice(i).findIndex((l) => l.link === 'up' && l.mode === mode);
      try {
        assert.ok(await waitFor(() => upAfter(0) >= 0, 20_000), `up at first: ${JSON.stringify(seen)}`);
        await server.kill();
        assert.ok(await waitFor(() => seen.some((l) => l.link === 'down'), 20_000), 'marked down after sshd was killed');
        const down = seen.findIndex((l) => l.link === 'down');
        assert.equal(seen[down].host, DEST);
        assert.ok(seen[down].error, 'the reason is given');
        await server.start();
        // reconnected with backoff (1 s, 2 s, 4 s …): within 20 s of sshd's return
        assert.ok(await waitFor(() => upAfter(down + 1) >= 0, 20_000), `up again: ${JSON.stringify(seen.slice(down))}`);
        const back = seen[down + 1 + upAfter(down + 1)];
        assert.equal(back.states!.CLOSE_WAIT, 2, 'the samples after the reconnect count the sockets');
      } finally {
        child.kill('SIGTERM');
        if (server.pid === undefined) await server.start();
      }
    });
  }

  test('the fleet in a terminal: a row per host, Enter opens one, Esc back; beta\'s sshd killed → down, the other goes on; back → up', async (t) => {
    if (!requireTool(t, 'tmux', 'the fleet view runs in a real terminal')) return;
    const beta = servers.find((s) => s.opts.port === PORT_PROC)!;
    const pane = new TmuxPane('ssh-fleet');
    const row = (screen: string, host: string) => screen.split('\n').find((l) => l.startsWith(`${host} `)) ?? '';
    try {
      pane.start([process.execPath, CLI, '-i', '0.5', '--ssh', 'alpha,beta', '--ssh-command', `ssh -F ${sshConfig()}`, '-f', FILTER], 130, 30);
      const screen = await pane.waitFor(/^alpha +up .* node .*\n^beta +up .* proc /m, 20_000);
      // each row's ESTAB column (the first state) is ss's count of the farm's ESTABLISHED sockets
      const ss = ssCounts();
      for (const host of ['alpha', 'beta']) {
        const cells = row(screen, host).trim().split(/\s{2,}/);
        assert.equal(cells[3].split(' ')[0], String(ss.ESTABLISHED), `${host}: ${row(screen, host)}`);
      }
      pane.send(['j']);
      pane.send(['Enter']);
      await pane.waitFor(/^tcptally {2}beta · proc-remote · [\d.]+ KB\/sample/m, 10_000);
      await pane.waitFor(/Esc fleet/, 5000);
      pane.send(['Escape']);
      await pane.waitFor(/^tcptally fleet {2}2 hosts/m, 5000);
      await beta.kill();
      const down = await pane.waitFor(/^beta +down: /m, 20_000);
      assert.match(row(down, 'alpha'), /^alpha +up /, 'the other host goes on');
      await beta.start();
      await pane.waitFor(/^beta +up .* proc /m, 20_000);
    } finally {
      pane.kill();
      if (beta.pid === undefined) await beta.start();
    }
  });
});
