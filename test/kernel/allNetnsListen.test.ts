/**
 * --all-netns: the LISTEN set that makes a port "in" is per network namespace. Namespace A listens on
 * port P; in namespace B a client connects (to a listener of B's own on Q) from local port P, bound
 * explicitly. B does not listen on P, so its client counts under its remote port (out:Q), and only A's
 * listener under in:P — a box-wide LISTEN set would count B's client as in:P. The JSON is compared
 * with `ip netns exec A|B ss -tanH`, classified namespace by namespace.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NetnsFarm } from '../helpers/netns.js';
import { haveTool, requireTool } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('../helpers/netns-port-child.js', import.meta.url));
const P = 19940; // A listens on it; B's client binds it as its local port
const Q = 19941; // B's own listener, the client's remote port
const A = new NetnsFarm(`tt-lsns-${process.pid}-1`, CHILD, ['listen', String(P)]);
const B = new NetnsFarm(`tt-lsns-${process.pid}-2`, CHILD, ['client', String(Q), String(P)]);
let ready = false;

before(async () => {
  // root and iproute2: locally the test then skips, saying why; under CI (CI=true) this throws
  if (!haveTool('netns', 'two namespaces of our own')) return;
  await A.start();
  await B.start();
  ready = true;
});
after(async () => {
  await B.stop();
  await A.stop();
});

const SS_TO_NAME: Record<string, string> = { ESTAB: 'ESTABLISHED', LISTEN: 'LISTEN', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'TIME-WAIT': 'TIME_WAIT' };
const portOf = (endpoint: string) => { const p = endpoint.slice(endpoint.lastIndexOf(':') + 1); return p === '*' ? 0 : Number(p); };

/** `ss -tanH` in a namespace: [state, local port, remote port] of the rows on P or Q. */
function ssRows(ns: string): [string, number, number][] {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-tanH'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 5)
    .map((f): [string, number, number] => [SS_TO_NAME[f[0]] ?? f[0], portOf(f[3]), portOf(f[4])])
    .filter(([, l, r]) => l === P || l === Q || r === P || r === Q);
}

const inodeOf = (pid: number) => Number(/net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))![1]);

test('--all-netns: a client whose local port another namespace listens on counts "out" by its remote port', (t) => {
  if (!requireTool(t, 'netns', 'two namespaces of our own')) return;
  assert.ok(ready, 'the namespaces are up');
  const a = ssRows(A.name), b = ssRows(B.name);
  // the kernel's view: A listens on P; B holds its listener on Q, the client P → Q, and the accepted Q → P
  assert.deepEqual(a, [['LISTEN', P, 0]]);
  assert.deepEqual(b.map((r) => r.join(' ')).sort(), [`ESTABLISHED ${P} ${Q}`, `ESTABLISHED ${Q} ${P}`, `LISTEN ${Q} 0`]);

  // the rule, namespace by namespace, from ss: "in" by the local port where its own namespace listens on it
  const want = new Map<string, Record<string, number>>();
  for (const rows of [a, b]) {
    const listen = new Set(rows.filter(([s]) => s === 'LISTEN').map(([, l]) => l));
    for (const [s, l, r] of rows) {
      const key = listen.has(l) ? `in:${l}` : `out:${r}`;
      const states = want.get(key) ?? {};
      states[s] = (states[s] ?? 0) + 1;
      want.set(key, states);
    }
  }
  assert.deepEqual([...want.keys()].sort(), [`in:${P}`, `in:${Q}`, `out:${Q}`]);

  const j = JSON.parse(execFileSync(process.execPath, [CLI, '--json', '--all-netns', '--top', 'all', '-f', `port = ${P} or port = ${Q}`],
    { encoding: 'utf8', maxBuffer: 1 << 28 }));
  const got = new Map<string, Record<string, number>>();
  for (const p of j.ports as { port: number; direction: string; states: Record<string, number> }[]) {
    got.set(`${p.direction}:${p.port}`, Object.fromEntries(Object.entries(p.states).filter(([, n]) => n > 0)));
  }
  assert.deepEqual(Object.fromEntries(got), Object.fromEntries(want));
  // and written out: A's listener alone is in:P; B's client is out:Q beside B's accepted connection in:Q
  assert.deepEqual(Object.fromEntries(got), {
    [`in:${P}`]: { LISTEN: 1 },
    [`in:${Q}`]: { ESTABLISHED: 1, LISTEN: 1 },
    [`out:${Q}`]: { ESTABLISHED: 1 },
  });
  const ns = j.namespaces as { inode: number; total: number }[];
  assert.equal(ns.find((e) => e.inode === inodeOf(A.pid))?.total, 1);
  assert.equal(ns.find((e) => e.inode === inodeOf(B.pid))?.total, 3);
});
