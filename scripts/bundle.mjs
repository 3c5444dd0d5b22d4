// Bundles the dashboard (src/ui/run + Ink + React) into one file: Ink's dependencies are ~600 small
// ES modules (es-toolkit alone ~400), whose loading took ~0.35 s of the dashboard's start; one file
// loads in ~0.1 s. The CLI imports dist/ui-bundle.js when it exists, else dist/src/ui/run.js.
// The bundle also carries our Ink patches (scripts/ink-patches.mjs): the unbundled fallback does not.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { uiBundleOptions } from './bundle-options.mjs';

await build(uiBundleOptions({ entry: 'dist/src/ui/run.js', outfile: 'dist/ui-bundle.js' }));

// The node-remote sampler (src/sampler/remoteAgent.ts): one CommonJS file that --ssh sends over the
// session to a remote `node` (Node ≥ 20). Only /proc is read there: no native addon is shipped.
await build({
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  entryPoints: ['dist/src/sampler/remoteAgent.js'],
  outfile: 'dist/remote-agent.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
});
