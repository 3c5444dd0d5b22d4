/** src/sources/sysctl.ts: the port sysctls read from files; on this machine equal to what sysctl(8) prints. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPortSettings } from '../../src/sources/sysctl.js';

test('read from a directory: every file, a missing file, no range at all', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-sysctl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ip_local_port_range'), '40000\t40099\n');
  writeFileSync(join(dir, 'ip_local_reserved_ports'), '40000-40009,40050\n');
  writeFileSync(join(dir, 'tcp_tw_reuse'), '1\n');
  assert.deepEqual(readPortSettings(dir), { range: [40000, 40099], reserved: [[40000, 40009], [40050, 40050]], twReuse: 1, finTimeout: null });
  assert.equal(readPortSettings(join(dir, 'nowhere')), null);
});

test('this machine: equal to sysctl -n', () => {
  const got = readPortSettings();
  const sysctl = (name: string) => execFileSync('sysctl', ['-n', `net.ipv4.${name}`], { encoding: 'utf8' }).trim();
  const [lo, hi] = sysctl('ip_local_port_range').split(/\s+/).map(Number);
  assert.deepEqual(got?.range, [lo, hi]);
  assert.equal(got?.twReuse, Number(sysctl('tcp_tw_reuse')));
  assert.equal(got?.finTimeout, Number(sysctl('tcp_fin_timeout')));
  const reserved = sysctl('ip_local_reserved_ports');
  assert.equal(got?.reserved.length, reserved === '' ? 0 : reserved.split(',').length);
});
