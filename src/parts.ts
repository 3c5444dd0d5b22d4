/**
 * Where the program's own parts come from: its version, the dashboard's code, the sampler's worker
 * script, the netlink package (with its native addon) and the agent --ssh sends to a remote node. Installed with npm they are files next to
 * this one. The single executable (`npm run dist`, scripts/sea.mjs) embeds them instead and swaps this
 * module for src/sea/parts.ts, which has the same exports.
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** package.json's version. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export type DashboardModule = typeof import('./ui/run.js');

/** The bundled dashboard (one file, fast to load; see scripts/bundle.mjs), else the plain modules. */
export async function loadDashboard(): Promise<DashboardModule> {
  const bundle = new URL('../ui-bundle.js', import.meta.url);
  if (existsSync(bundle)) return (await import(bundle.href)) as DashboardModule;
  return import('./ui/run.js');
}

/** The sampler's worker thread (src/sampler/worker.ts). */
export function startSamplerWorker(options: WorkerOptions): Worker {
  return new Worker(new URL('./sampler/worker.js', import.meta.url), options);
}

/** The netlink package (loads its native addon; throws when that cannot be loaded). */
export function loadNetlink(): unknown {
  return createRequire(import.meta.url)('netlink');
}

/** The node-remote agent's bundle (dist/remote-agent.js, sent by --ssh); null when it was not built. */
export function remoteAgentCode(): string | null {
  try {
    return readFileSync(new URL('../remote-agent.js', import.meta.url), 'utf8');
  } catch {
    return null; // not built (plain tsc output): proc-remote only
  }
}
