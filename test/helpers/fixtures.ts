import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stateCodeOf } from '../../src/model/states.js';
import type { SocketTable } from '../../src/model/table.js';

/** Tests run from dist/test/**; fixtures stay in test/fixtures of the checkout. */
export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url)));
}

/** Sorted "STATE lport rport" lines from `ss -tanH` text. */
export function ssRows(text: string): string[] {
  const rows: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const port = (a: string) => { const p = a.slice(a.lastIndexOf(':') + 1); return p === '*' ? 0 : Number(p); };
    rows.push(`${stateCodeOf(f[0])} ${port(f[3])} ${port(f[4])}`);
  }
  return rows.sort();
}

/** The same lines from a SocketTable. */
export function tableRows(t: SocketTable): string[] {
  const rows: string[] = [];
  for (let i = 0; i < t.n; i++) rows.push(`${t.state[i]} ${t.lport[i]} ${t.rport[i]}`);
  return rows.sort();
}
