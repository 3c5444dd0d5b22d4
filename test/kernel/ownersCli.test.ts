/**
 * Owners end to end through the CLI, against `ss -tanpH`: a server process and the worker it forked
 * share a listener on 127.0.81.1 (this file's own address); clients that end() leave CLOSE_WAIT in
 * whichever of them accepted. `tcptally --json` names them as `ss -p` does: per process, per port row,
 * and the `pid` / `comm` filter words select what they hold.
 */

import assert from 'node:assert/strict';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ssOwners } from '../helpers/owners-ss.js';
import { waitFor } from '../helpers/sockets.js';

const HOST = '127.0.81.1';
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/owners-child.js', import.meta.url));

let child: ChildProcess | undefined;
let worker = 0;
let keep = 0;
const clients: net.Socket[] = [];

before(async () => {
  child = fork(CHILD, [HOST], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ keep: number; worker: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('owners child not ready in 20 s')), 20_000);
    child!.on('message', (m: { ready?: boolean; keep: number; worker: number }) => {
      if (m.ready) { clearTimeout(timer); resolve(m); }
    });
    child!.once('exit', (code) => reject(new Error(`owners child exited (${code})`)));
  });
  keep = ready.keep;
  worker = ready.worker;
  for (let i = 0; i < 10; i++) {
    const s = net.connect({ host: HOST, port: keep, allowHalfOpen: true });
    s.on('error', () => {});
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    clients.push(s);
    if (i < 6) s.end(); // the server side sits in CLOSE_WAIT: its process never closes
  }
  const closeWaits = () => [...ssOwners(HOST, new Set([keep])).keys()].filter((k) => k.startsWith('CLOSE-WAIT')).length;
  assert.ok(await waitFor(() => closeWaits() === 6, 5000), 'six CLOSE_WAIT on the server side');
});

after(() => {
  for (const s of clients) s.destroy();
  if (child?.pid) try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
  if (worker) try { process.kill(worker, 'SIGTERM'); } catch { /* gone */ }
});

const json = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [CLI, '--json', '--top', 'all', ...args], { encoding: 'utf8' }));
const SERVER_SIDE = () => `src ${HOST} and sport = ${keep}`;

/** What ss -tanpH says of the server side: per pid, per ss state name, the sockets it holds. */
function ssPerPid(): Map<number, Record<string, number>> {
  const m = new Map<number, Record<string, number>>();
  for (const [k, pids] of ssOwners(HOST, new Set([keep]))) {
    const [state, local] = k.split(' ');
    if (local !== `${HOST}:${keep}`) continue;
    for (const pid of pids) {
      const c = m.get(pid) ?? {};
      c[state] = (c[state] ?? 0) + 1;
      m.set(pid, c);
    }
  }
  return m;
}

const SS_NAME: Record<string, string> = { ESTABLISHED: 'ESTAB', CLOSE_WAIT: 'CLOSE-WAIT', LISTEN: 'LISTEN' };

test('--json names the processes that hold the sockets, as ss -p does', () => {
  const j = json('-f', SERVER_SIDE());
  const oracle = ssPerPid();
  assert.deepEqual([...oracle.keys()].sort((a, b) => a - b), [child!.pid!, worker].sort((a, b) => a - b), 'ss: the server and its worker');
  const got = new Map<number, Record<string, number>>();
  for (const p of j.processes as { pid: number; command: string; states: Record<string, number> }[]) {
    assert.equal(p.command, 'node');
    const c: Record<string, number> = {};
    for (const [name, n] of Object.entries(p.states)) if (n > 0) c[SS_NAME[name] ?? name] = n;
    got.set(p.pid, c);
  }
  assert.deepEqual(got, oracle);
  // the port row: both processes own it (the listener is shared)
  const row = (j.ports as { port: number; direction: string; owners: { pid: number }[]; ownerCount: number }[]).find((p) => p.port === keep && p.direction === 'in')!;
  assert.equal(row.ownerCount, 2);
  assert.deepEqual(row.owners.map((o) => o.pid).sort((a, b) => a - b), [child!.pid!, worker].sort((a, b) => a - b));
  assert.equal(j.unattributed, 0, 'root reads every process here');
  assert.equal(j.ownersPending, 0, 'a one-shot sample walks every process first');
});

test('the pid and comm filter words select the sockets a process holds', () => {
  const oracle = ssPerPid();
  const held = Object.values(oracle.get(worker) ?? {}).reduce((a, b) => a + b, 0);
  const j = json('-f', `${SERVER_SIDE()} and pid ${worker}`);
  assert.equal(j.total, held, 'the worker holds the shared listener and what it accepted');
  assert.equal(json('-f', `${SERVER_SIDE()} and comm nod?`).total, json('-f', SERVER_SIDE()).total);
  assert.equal(json('-f', `${SERVER_SIDE()} and comm nginx`).total, 0);
});

test('--no-owners: no owner lookups, and owner filter words are refused', () => {
  const j = json('--no-owners', '-f', SERVER_SIDE());
  assert.equal(j.unattributed, null);
  assert.deepEqual(j.processes, []);
  let err = '';
  try {
    execFileSync(process.execPath, [CLI, '--json', '--no-owners', '-f', 'pid 1'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    err = String((e as { stderr: string }).stderr);
    assert.equal((e as { status: number }).status, 2);
  }
  assert.match(err, /^tcptally: the filter names processes \(pid, comm, user, container\): drop --no-owners/);
});

test('as an unprivileged user: root\'s sockets are unattributed, never guessed, and every count stays exact', () => {
  const asRoot = json('-f', SERVER_SIDE());
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--json', '--top', 'all', '-f', SERVER_SIDE()], { encoding: 'utf8' });
  const j = JSON.parse(out);
  assert.deepEqual(j.states, asRoot.states, 'counts do not depend on who reads them');
  // every server-side socket has an inode and is held by root's processes: all of them unknown
  const held = [...ssOwners(HOST, new Set([keep])).entries()].filter(([k, pids]) => k.split(' ')[1] === `${HOST}:${keep}` && pids.length > 0).length;
  assert.equal(j.unattributed, held);
  assert.deepEqual(j.processes, []);
  const row = (j.ports as { port: number; direction: string; owners: unknown[] }[]).find((p) => p.port === keep && p.direction === 'in')!;
  assert.deepEqual(row.owners, []);
});
