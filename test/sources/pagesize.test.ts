import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePageSize, readPageSize } from '../../src/sources/pagesize.js';

test('the page size read from /proc/self/smaps equals getconf PAGESIZE', () => {
  assert.equal(readPageSize(), Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()));
});

test('smaps text: KernelPageSize in kB → bytes; none, or no file: null', () => {
  assert.equal(parsePageSize('00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon\nSize:                328 kB\nKernelPageSize:       64 kB\nMMUPageSize:          64 kB\n'), 65536);
  assert.equal(parsePageSize('Size: 4 kB\n'), null);
  const dir = mkdtempSync(join(tmpdir(), 'tcptally-smaps-'));
  try {
    assert.equal(readPageSize(join(dir, 'absent')), null);
    writeFileSync(join(dir, 'smaps'), 'KernelPageSize:        4 kB\n');
    assert.equal(readPageSize(join(dir, 'smaps')), 4096);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
