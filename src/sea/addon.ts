/**
 * The netlink package's native addon inside the single executable. It is embedded as an asset; a
 * shared object can only be loaded from a file, so it is written to a private temporary directory
 * (mkdtemp: mode 0700), loaded with process.dlopen and deleted at once (the loaded code stays mapped:
 * nothing is left on disk, whatever way the program ends). A directory mounted noexec cannot map it:
 * the next candidate is tried. scripts/sea.mjs makes this what the netlink package's `node-gyp-build`
 * call returns. When it throws, the netlink source cannot open and `--source auto` reads /proc.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAsset } from 'node:sea';

export const ADDON_ASSET = 'netlink.node';

/** Where the addon may be written: $TMPDIR (or /tmp), then $XDG_RUNTIME_DIR, /var/tmp, /dev/shm. */
function candidateDirs(): string[] {
  const dirs = [tmpdir(), process.env.XDG_RUNTIME_DIR, '/var/tmp', '/dev/shm'];
  return [...new Set(dirs.filter((d): d is string => !!d))];
}

/** The addon's exports (what `require('…/node.napi.node')` returns); throws when no directory works. */
export function loadEmbeddedAddon(): unknown {
  let firstError: Error | null = null;
  for (const base of candidateDirs()) {
    let dir: string | null = null;
    try {
      dir = mkdtempSync(join(base, 'tcptally-'));
      const file = join(dir, ADDON_ASSET);
      writeFileSync(file, new Uint8Array(getAsset(ADDON_ASSET)), { mode: 0o700 });
      const module = { exports: {} as unknown };
      process.dlopen(module, file);
      return module.exports;
    } catch (err) {
      firstError ??= err as Error;
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  // dlopen's message names the file: "…/netlink.node: failed to map segment from shared object" (noexec)
  const why = firstError?.message.split('\n')[0] ?? 'no temporary directory';
  throw new Error(`cannot load the embedded addon (${why}; TMPDIR must allow executables)`);
}
