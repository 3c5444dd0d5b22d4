// Bundles the dashboard (src/ui/run + Ink + React) into one file: Ink's dependencies are ~600 small
// ES modules (es-toolkit alone ~400), whose loading took ~0.35 s of the dashboard's start; one file
// loads in ~0.1 s. The CLI imports dist/ui-bundle.js when it exists, else dist/src/ui/run.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/ui/run.js'],
  outfile: 'dist/ui-bundle.js',
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
  logLevel: 'warning',
});
