/**
 * The single executable (`npm run dist`, scripts/sea.mjs) as a user copies it to a box without Node:
 * built once (or reused when newer than everything it is built from), copied alone into an empty
 * directory and run there with a bare environment (PATH=/usr/bin:/bin, nothing else: no NODE_PATH),
 * against real sockets on 127.0.96.1 compared with ss.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TCP_STATES } from '../../src/model/states.js';
import { SocketFarm, waitFor, type Host } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { SshKeys, SSHD_ADDR, TestSshd } from '../helpers/sshd.js';
import { IN_CI, requireTool, suiteSkip } from '../helpers/tools.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = join(ROOT, 'dist/tcptally');
// an address of this file's own (all of 127/8 is on lo): no other test's sockets are counted
const ADDR = '127.0.96.1' as Host;
const FILTER = `addr ${ADDR}`;
/** The test's sshd (on test/helpers/sshd.ts's address; a port of this file's range). */
const SSHD_PORT = 19690;
/** What the executable may see of the environment: no HOME, no NODE_PATH, no NODE_OPTIONS. */
const BARE = { PATH: '/usr/bin:/bin' };

/** The newest modification time (ms) of the files dist/tcptally is built from. */
function newestInput(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'dist/src'));
  for (const f of ['scripts/sea.mjs', 'scripts/bundle-options.mjs', 'scripts/ink-patches.mjs', 'package.json', 'package-lock.json']) {
    newest = Math.max(newest, statSync(join(ROOT, f)).mtimeMs);
  }
  return newest;
}

/** dist/tcptally, built by `node scripts/sea.mjs` unless a build newer than every input is there. */
function buildOnce(): void {
  let fresh = false;
  try {
    fresh = statSync(BUILT).mtimeMs > newestInput();
  } catch { /* not built yet */ }
  if (fresh) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/sea.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `npm run dist failed:\n${r.stderr}`);
}

/** Per-state counts (ss names) of `ss -tan` for sockets with ADDR at either end. */
function ssStates(): Map<string, number> {
  const out = execFileSync('ss', ['-tanH', `( src ${ADDR} or dst ${ADDR} )`], { encoding: 'utf8' });
  const m = new Map<string, number>();
  for (const line of out.split('\n')) {
    const state = line.trim().split(/\s+/)[0];
    if (state) m.set(state, (m.get(state) ?? 0) + 1);
  }
  return m;
}

/** tcptally's per-state counts (by its state names) in ss's names, zeros left out. */
function asSs(byName: (name: string) => number): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of TCP_STATES) {
    const n = byName(s.name);
    if (n) m.set(s.ssName, n);
  }
  return m;
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort();

/**
 * Runs `read` between two ss reads until both ss reads agree (sockets on ADDR may still be moving:
 * an earlier run's TIME_WAIT expiring); asserts `read` equals them. Bounded: 5 attempts.
 */
function assertEqualsSs(read: () => Map<string, number>, label: string): void {
  let last: [Map<string, number>, Map<string, number>] | null = null;
  for (let i = 0; i < 5; i++) {
    const before = ssStates();
    const ours = read();
    if (JSON.stringify(sorted(before)) !== JSON.stringify(sorted(ssStates()))) continue;
    last = [ours, before];
    if (JSON.stringify(sorted(ours)) === JSON.stringify(sorted(before))) return;
  }
  assert.ok(last, `${label}: ss kept changing`);
  assert.deepEqual(sorted(last[0]), sorted(last[1]), `${label}: per-state counts differ from ss`);
}

// linux-x64 only: elsewhere there is nothing to build (scripts/sea.mjs refuses)
const SKIP = process.platform !== 'linux' || process.arch !== 'x64'
  ? 'the single executable is built for linux-x64 only'
  : suiteSkip(['ss'], 'the counts are compared with ss');

describe('the single executable, alone in an empty directory', { skip: SKIP }, () => {
  const farm = new SocketFarm();
  const cleanup: string[] = [];
  let dir = '';
  let exe = '';

  /** A fresh empty directory of ours (removed after the suite). */
  function tempDir(prefix: string): string {
    const d = mkdtempSync(join(tmpdir(), `tcptally-sea-${prefix}-`));
    cleanup.push(d);
    return d;
  }

  /** The copied executable run in `cwd` (default: its own empty directory) with only `env`. */
  function run(args: string[], { cwd = dir, env = {} as Record<string, string> } = {}) {
    const r = spawnSync(exe, args, { cwd, env: { ...BARE, ...env }, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  before(async () => {
    buildOnce();
    dir = tempDir('run');
    exe = join(dir, 'tcptally');
    copyFileSync(BUILT, exe);
    // the copy is the only file there: nothing to load from next to it
    assert.deepEqual(readdirSync(dir), ['tcptally']);

    // every state ss can be asked about on loopback without nftables: LISTEN, ESTABLISHED,
    // CLOSE_WAIT / FIN_WAIT2, TIME_WAIT
    const open = await farm.listen(ADDR);
    await farm.established(ADDR, open, 3);
    await farm.closeWait(ADDR, open, 2);
    await farm.timeWait(ADDR, await farm.closingListener(ADDR), 4);
    await waitFor(() => (ssStates().get('FIN-WAIT-2') ?? 0) >= 2);
  });

  after(async () => {
    await farm.closeAll();
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  test('--version: the version of package.json, written in at build time', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = run(['--version']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `tcptally ${version}\n`);
    assert.equal(r.err, '');
  });

  test('--json: read through the embedded netlink addon, counts equal ss, the addon file removed', () => {
    const tmp = tempDir('tmp'); // where the addon is written for loading, and deleted
    assertEqualsSs(() => {
      const r = run(['--json', FILTER], { env: { TMPDIR: tmp } });
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, '');
      const j = JSON.parse(r.out) as { source: string; filter: string; states: Record<string, number>; total: number };
      assert.equal(j.source, 'netlink', 'the embedded addon was loaded');
      assert.equal(j.filter, FILTER);
      const counts = asSs((name) => j.states[name]);
      assert.equal(j.total, [...counts.values()].reduce((a, b) => a + b, 0));
      return counts;
    }, '--json');
    assert.ok((ssStates().get('ESTAB') ?? 0) >= 6, 'our ESTABLISHED pairs are there');
    assert.deepEqual(readdirSync(tmp), [], 'nothing left in TMPDIR');
  });

  test('--ssh to a host with node: the embedded agent is sent (node-remote), counts equal ss', async (t) => {
    if (!requireTool(t, 'sshd', 'a real OpenSSH server on loopback')) return;
    const keys = new SshKeys();
    const sshd = new TestSshd(keys, { port: SSHD_PORT });
    try {
      await sshd.start();
      assertEqualsSs(() => {
        const r = run(['--json', '--top', '0', '--ssh', `root@${SSHD_ADDR}`, '--ssh-command', keys.sshCommand(SSHD_PORT), FILTER]);
        assert.equal(r.code, 0, r.err);
        const j = JSON.parse(r.out) as { mode: string; host: string; states: Record<string, number> };
        assert.equal(j.mode, 'node-remote', 'the remote ran the agent carried in the executable');
        assert.equal(j.host, `root@${SSHD_ADDR}`);
        return asSs((name) => j.states[name]);
      }, '--ssh');
    } finally {
      await sshd.kill();
      keys.cleanup();
    }
  });

  test('/etc/services is read on the box: a listener on a named port shows its name', async (t) => {
    if (!existsSync('/etc/services')) {
      if (IN_CI) assert.fail('/etc/services is missing (netbase; .ci/run installs it)');
      t.skip('/etc/services is missing (netbase)');
      return;
    }
    // the first tcp service above 1024 we can listen on at ADDR (bounded: 30 tries)
    const named = [...readFileSync('/etc/services', 'utf8').matchAll(/^([\w-]+)\s+(\d+)\/tcp\b/gm)]
      .map((m) => ({ name: m[1], port: Number(m[2]) })).filter((e) => e.port > 1024).slice(0, 30);
    let svc: { name: string; port: number } | null = null;
    for (const e of named) {
      try {
        await farm.listen(ADDR, e.port);
        svc = e;
        break;
      } catch { /* in use: the next one */ }
    }
    assert.ok(svc, `no port of /etc/services free on ${ADDR}`);
    const r = run(['--json', `${FILTER} and sport = ${svc.port}`]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { ports: { port: number; direction: string; service: string | null }[] };
    assert.deepEqual(j.ports.map((p) => [p.port, p.direction, p.service]), [[svc.port, 'in', svc.name]]);
  });

  test('--once: the text summary; its counts equal ss', () => {
    assertEqualsSs(() => {
      const r = run(['--once', FILTER]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^tcptally .* source netlink /);
      return asSs((name) => Number(new RegExp(`^${name} +(\\d+)`, 'm').exec(r.out)?.[1]));
    }, '--once');
  });

  test('node_modules in the working directory and NODE_PATH are never looked at', () => {
    // packages named like the ones inside, which would leave a mark and fail if they were loaded
    const cwd = tempDir('poisoned');
    const mark = join(cwd, 'loaded');
    for (const name of ['netlink', 'node-gyp-build', 'ink', 'react', 'yoga-layout', 'systeminformation']) {
      mkdirSync(join(cwd, 'node_modules', name), { recursive: true });
      writeFileSync(join(cwd, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
      writeFileSync(join(cwd, 'node_modules', name, 'index.js'), `require('fs').appendFileSync(${JSON.stringify(mark)}, ${JSON.stringify(`${name}\n`)}); throw new Error('loaded from disk');\n`);
    }
    const r = run(['--json', FILTER], { cwd, env: { NODE_PATH: join(cwd, 'node_modules') } });
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { source: string }).source, 'netlink');
    assert.throws(() => readFileSync(mark), { code: 'ENOENT' }, 'a package was loaded from disk');
  });

  test('no temporary directory allows executables: --source auto reads /proc, netlink says why', (t) => {
    if (!requireTool(t, 'root', 'a private mount namespace with noexec temporary directories')) return;
    const noexec = tempDir('noexec');
    // in a mount namespace of its own (private: nothing leaks out), every directory the addon may be
    // written to is a noexec tmpfs, where a shared object cannot be mapped
    const sandbox = (args: string[]) => {
      const r = spawnSync('unshare', ['-m', 'sh', '-c',
        'for d in "$1" /var/tmp /dev/shm; do mount -t tmpfs -o noexec,size=4m tmpfs "$d" || exit 99; done; shift; exec "$@"',
        'sh', noexec, 'env', '-i', `PATH=${BARE.PATH}`, `TMPDIR=${noexec}`, exe, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      if (r.error) throw new Error(`unshare (util-linux) cannot run: ${r.error.message}`);
      assert.notEqual(r.status, 99, `cannot mount a tmpfs in a private mount namespace: ${r.stderr}`);
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    assertEqualsSs(() => {
      const r = sandbox(['--json', FILTER]);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as { source: string; states: Record<string, number> };
      assert.equal(j.source, 'proc');
      return asSs((name) => j.states[name]);
    }, 'the /proc fallback');
    const r = sandbox(['--json', '--source', 'netlink']);
    assert.equal(r.code, 1);
    assert.match(r.err, /^tcptally: netlink addon unavailable: cannot load the embedded addon \(.*failed to map segment.*; TMPDIR must allow executables\)\n$/);
    assert.equal(r.out, '');
  });

  test('the dashboard in tmux: header, counts equal ss, q quits and restores the terminal', async (t) => {
    if (!requireTool(t, 'tmux', 'the dashboard runs in a tmux pane')) return;
    if (!requireTool(t, 'pgrep', 'the tmux helper finds the program')) return;
    const pane = new TmuxPane('sea'); // its own tmux server (socket tcptally-sea-PID)
    t.after(() => pane.kill());
    // env -i: the pane's shell has the test's environment; the program gets only this
    pane.start(['env', '-i', '-C', dir, `PATH=${BARE.PATH}`, 'TERM=tmux-256color', 'LANG=C.UTF-8', './tcptally', '--interval', '0.5', FILTER], 100, 30);
    await pane.waitFor(/^tcptally .* src netlink /m);
    assert.equal(pane.info('#{alternate_on}'), '1', 'runs on the alternate screen');
    const shown = (screen: string) => asSs((name) => Number(new RegExp(`^.${name} +(\\d+)`, 'm').exec(screen)?.[1]));
    // the sampler runs in a worker thread (its code and the addon from inside the executable): wait for
    // a frame that agrees with ss, then assert on the last one read
    let screen = '';
    await waitFor(() => {
      screen = pane.capture();
      return JSON.stringify(sorted(shown(screen))) === JSON.stringify(sorted(ssStates()));
    }, 8000, 200);
    assert.deepEqual(sorted(shown(screen)), sorted(ssStates()), `the screen:\n${screen}`);
    assert.match(screen, new RegExp(`filter: ${FILTER}`));

    pane.send(['q']);
    await pane.waitDead();
    assert.equal(await pane.exitCode(), 0);
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true });
    assert.equal(pane.info('#{alternate_on}'), '0');
  });
});
