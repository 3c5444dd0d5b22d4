// `npm run dist`: dist/tcptally, one self-contained executable for linux-x64 (Node's single executable
// applications): a copy of the node binary running this program, nothing else needed on the box.
//
// What goes in (after `npm run build`, from dist/src):
// - the main script: src/cli.ts and everything it reaches, the dashboard (Ink with our patches,
//   React, systeminformation) included, bundled by esbuild into one CommonJS file (what Node 20 runs
//   as a single executable's main script; its `require` reaches only Node's own modules);
// - asset worker.js: the sampler's worker thread (src/sampler/worker.ts), bundled the same way and
//   started from the string (new Worker(code, { eval: true }));
// - asset netlink.node: the netlink package's prebuilt linux-x64 addon, loaded by src/sea/addon.ts;
// - asset remote-agent.js: the sampler --ssh sends to a remote host's node (dist/remote-agent.js).
// The bundles differ from the npm build in three swapped modules: src/parts.ts → src/sea/parts.ts
// (version written in, embedded worker and dashboard), Ink's yoga-layout → src/sea/yoga.ts (no
// top-level await in CommonJS), netlink's node-gyp-build → src/sea/addon.ts (the embedded addon);
// and Ink's reconciler loses its two top-level awaits (React devtools, only with DEV=true).
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';
import { uiBundleOptions } from './bundle-options.mjs';
import { replaceOnce } from './ink-patches.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const at = (p) => resolve(ROOT, p);
const OUT = at('dist/tcptally');
const WORK = at('dist/sea');
/** The sentinel Node looks for to know it carries a blob (Node's documentation names it). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const ADDON = at('node_modules/netlink/prebuilds/linux-x64/node.napi.node');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`sea: the single executable is built for linux-x64 only (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}
for (const need of ['dist/src/cli.js', 'dist/src/sea/parts.js', 'dist/src/sampler/worker.js', 'dist/remote-agent.js']) {
  try {
    statSync(at(need));
  } catch {
    console.error(`sea: ${need} is missing: run npm run build first`);
    process.exit(1);
  }
}

const { version } = JSON.parse(readFileSync(at('package.json'), 'utf8'));

/** Ink's top-level awaits (CommonJS has none) → what they give when react-devtools-core is missing. */
const NO_AWAIT = [
  ["await import('./devtools.js');", "throw Object.assign(new Error('no react-devtools-core in the single executable'), { code: 'ERR_MODULE_NOT_FOUND' });"],
  ['? await loadPackageJson()', '? { name: undefined, version: undefined }'],
];

/** esbuild plugin: the module swaps and the reconciler edit described above. */
function seaSwaps() {
  const parts = at('dist/src/parts.js');
  return {
    name: 'sea-swaps',
    setup(b) {
      b.onResolve({ filter: /(^|\/)parts\.js$/ }, (args) =>
        resolve(args.resolveDir, args.path) === parts ? { path: at('dist/src/sea/parts.js') } : undefined);
      // only Ink's bare import: src/sea/yoga.ts itself imports 'yoga-layout/load'
      b.onResolve({ filter: /^yoga-layout$/ }, () => ({ path: at('dist/src/sea/yoga.js') }));
      // Ink's reconciler: two top-level awaits, both only when DEV=true (React devtools)
      b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
        let src = await readFile(args.path, 'utf8');
        for (const [text, by] of NO_AWAIT) src = replaceOnce(src, text, by, 'ink/build/reconciler.js');
        return { contents: src, loader: 'js' };
      });
      b.onResolve({ filter: /^node-gyp-build$/ }, () => ({ path: 'node-gyp-build', namespace: 'sea-addon' }));
      b.onLoad({ filter: /.*/, namespace: 'sea-addon' }, () => ({
        // netlink calls require('node-gyp-build')(its directory) and gets its addon's exports
        contents: `const { loadEmbeddedAddon } = require(${JSON.stringify(at('dist/src/sea/addon.js'))});\nmodule.exports = () => loadEmbeddedAddon();\n`,
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/** The dashboard bundle's options (Ink patches, React's production build), as one CommonJS script. */
function seaBundle(entry, outfile) {
  const ui = uiBundleOptions({ entry, outfile });
  return build({
    ...ui,
    format: 'cjs',
    external: [], // systeminformation too: nothing is left to find on disk
    banner: {},
    define: { ...ui.define, TCPTALLY_VERSION: JSON.stringify(version) },
    plugins: [seaSwaps(), ...ui.plugins],
    logLevel: 'error',
  });
}

const started = Date.now();
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
await seaBundle('dist/src/cli.js', 'dist/sea/main.cjs');
await seaBundle('dist/src/sampler/worker.js', 'dist/sea/worker.js');

const config = {
  main: `${WORK}/main.cjs`,
  output: `${WORK}/sea-prep.blob`,
  disableExperimentalSEAWarning: true,
  // V8's compiled code of the main script, made at build time: less to compile at each start
  useCodeCache: true,
  // remote-agent.js: what --ssh sends to a remote node (built by scripts/bundle.mjs)
  assets: { 'worker.js': `${WORK}/worker.js`, 'netlink.node': ADDON, 'remote-agent.js': 'dist/remote-agent.js' },
};
writeFileSync(`${WORK}/sea-config.json`, `${JSON.stringify(config, null, 2)}\n`);
const blob = spawnSync(process.execPath, ['--experimental-sea-config', `${WORK}/sea-config.json`], { encoding: 'utf8' });
if (blob.status !== 0) {
  console.error(`sea: node --experimental-sea-config failed:\n${blob.stderr}`);
  process.exit(1);
}

// into a copy of the node binary running this build; renamed into place only when complete
const tmp = `${OUT}.tmp`;
mkdirSync(dirname(OUT), { recursive: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
// LIEF (inside postject) warns about each note section of node's binary it has no name for: harmless
const warn = console.warn;
console.warn = (...args) => {
  if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) warn(...args);
};
try {
  await inject(tmp, 'NODE_SEA_BLOB', readFileSync(config.output), { sentinelFuse: FUSE, overwrite: true });
} finally {
  console.warn = warn;
}
renameSync(tmp, OUT);

const mb = (statSync(OUT).size / 1e6).toFixed(1);
console.log(`sea: ${OUT} (${mb} MB, node ${process.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
