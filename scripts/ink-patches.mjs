// esbuild plugin: our changes to Ink 6.8, applied when the dashboard is bundled (dist/ui-bundle.js).
// The unbundled fallback (dist/src/ui/run.js with node_modules/ink) runs Ink unchanged.
//
// - build/output.js: Output is rebuilt on Ink's class by src/ui/fastOutput.ts (rows cached across
//   frames; Ink's grid only for frames with overlapping writes or clipping). Same bytes out.
// - build/render-node-to-output.js, build/measure-text.js: widest-line remembered across frames.
// - build/measure-text.js, build/wrap-text.js: their caches (every text ever measured or truncated,
//   kept forever) bounded.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const FAST = JSON.stringify(fileURLToPath(new URL('../dist/src/ui/fastOutput.js', import.meta.url)));
const LIMIT = 2000;

/** Replaces `text` once in `source`, or fails the build: a new Ink must be looked at, not patched blind. */
export function replaceOnce(source, text, by, file) {
  const at = source.indexOf(text);
  if (at < 0 || source.indexOf(text, at + 1) >= 0) throw new Error(`ink-patches: ${file} changed (Ink upgraded?): review scripts/ink-patches.mjs`);
  return source.slice(0, at) + by + source.slice(at + text.length);
}

const MEMO_WIDEST_LINE = [
  "import widestLine from 'widest-line';",
  `import widestLineUncached from 'widest-line';\nimport { memoWidestLine } from ${FAST};\nconst widestLine = memoWidestLine(widestLineUncached);`,
];

/** File under node_modules/ink/build → [text, replacement] pairs, each applied exactly once, and code to append. */
const EDITS = {
  'output.js': {
    replace: [['export default class Output {', 'class InkOutput {']],
    // the class Ink renders with: built on Ink's own, with the functions Ink's module imports
    append: `import { fastOutput } from ${FAST};\nexport default fastOutput(InkOutput, { tokenize, styledCharsFromTokens, styledCharsToString });\n`,
  },
  'render-node-to-output.js': { replace: [MEMO_WIDEST_LINE] },
  'measure-text.js': {
    replace: [
      MEMO_WIDEST_LINE,
      ['    cache.set(text, dimensions);', `    if (cache.size >= ${LIMIT}) cache.clear();\n    cache.set(text, dimensions);`],
    ],
  },
  'wrap-text.js': {
    replace: [
      ['const cache = {};', 'let cache = {};\nlet cacheSize = 0;'],
      ['    cache[cacheKey] = wrappedText;', `    if (++cacheSize > ${LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[cacheKey] = wrappedText;`],
    ],
  },
};

export function inkPatches() {
  return {
    name: 'ink-patches',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/][a-z-]+\.js$/ }, async (args) => {
        const file = args.path.replace(/^.*[\\/]/, '');
        const edits = EDITS[file];
        if (!edits) return undefined;
        const pkg = JSON.parse(await readFile(new URL('../package.json', `file://${args.path}`), 'utf8'));
        if (!/^6\.8\./.test(pkg.version)) throw new Error(`ink-patches: written for Ink 6.8, found ${pkg.version}`);
        let src = await readFile(args.path, 'utf8');
        for (const [text, by] of edits.replace) src = replaceOnce(src, text, by, `ink/build/${file}`);
        if (edits.append) src += `\n${edits.append}`;
        return { contents: src, loader: 'js' };
      });
    },
  };
}
