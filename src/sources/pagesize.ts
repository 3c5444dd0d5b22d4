/** The kernel's page size (sockstat's "mem" is in pages): read once from /proc/self/smaps. */

import { closeSync, openSync, readSync } from 'node:fs';

/** KernelPageSize of this process's first mapping, in bytes; null when /proc cannot tell. */
export function readPageSize(path = '/proc/self/smaps'): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    // the first mapping's block is a few hundred bytes: no need to read the whole (large) file
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, null);
    return parsePageSize(buf.toString('latin1', 0, n));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** "KernelPageSize:        4 kB" → 4096. */
export function parsePageSize(text: string): number | null {
  const m = /^KernelPageSize:\s+(\d+) kB$/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}
