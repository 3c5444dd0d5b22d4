/**
 * yoga-layout (Ink's layout engine) for the single executable: yoga's own entry loads its WebAssembly
 * with a top-level await, which a CommonJS script cannot have, so scripts/sea.mjs points Ink's
 * `import Yoga from 'yoga-layout'` here and the dashboard calls loadYoga() before Ink lays anything out.
 */

import { loadYoga as load, type Yoga } from 'yoga-layout/load';

let yoga: Yoga | undefined;

// a live binding: Ink's modules read it when they lay out, after loadYoga() has set it
export { yoga as default };

export async function loadYoga(): Promise<void> {
  yoga ??= await load();
}
