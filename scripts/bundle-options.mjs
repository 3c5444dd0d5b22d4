// The esbuild options of the dashboard bundle, shared by scripts/bundle.mjs (dist/ui-bundle.js) and
// bench/ui-frame.ts (which bundles the same way, with and without our Ink patches, to compare them).
import { fileURLToPath } from 'node:url';
import { inkPatches } from './ink-patches.mjs';

/** @param {{ entry: string, outfile: string, patchInk?: boolean }} o */
export function uiBundleOptions({ entry, outfile, patchInk = true }) {
  return {
    // paths are relative to the repository, wherever the caller runs
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // loaded lazily, and only for the header's OS line
    external: ['systeminformation'],
    // React's production build: the development one keeps debug data per render (memory grew ~4 MB/s
    // at 5 renders/s on 100k sockets) and costs CPU
    define: { 'process.env.NODE_ENV': '"production"' },
    // Ink imports react-devtools-core only when DEV=true
    alias: { 'react-devtools-core': './scripts/devtools-stub.js' },
    banner: { js: "import { createRequire as __tcptallyRequire } from 'node:module'; const require = __tcptallyRequire(import.meta.url);" },
    plugins: patchInk ? [inkPatches()] : [],
    logLevel: 'warning',
  };
}
