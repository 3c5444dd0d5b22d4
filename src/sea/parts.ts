/**
 * src/parts.ts for the single executable (scripts/sea.mjs bundles this file in its place): the parts
 * come from inside the executable, never from files or node_modules next to it.
 */

import { getAsset } from 'node:sea';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type * as Parts from '../parts.js';

/** package.json's version, written in by the build (esbuild `define`). */
declare const TCPTALLY_VERSION: string;

/** The asset holding the worker's bundle (one CommonJS script). */
export const WORKER_ASSET = 'worker.js';

export function version(): string {
  return TCPTALLY_VERSION;
}

export async function loadDashboard(): Promise<Parts.DashboardModule> {
  // imported here, not at the top: the worker's bundle, which has this module too, needs no yoga
  const { loadYoga } = await import('./yoga.js');
  await loadYoga();
  return import('../ui/run.js');
}

export function startSamplerWorker(options: WorkerOptions): Worker {
  // eval: the worker's code is a string; its `require` is only used for Node's own modules (the
  // bundle carries everything else)
  return new Worker(getAsset(WORKER_ASSET, 'utf8'), { ...options, eval: true });
}

/** The asset holding the node-remote agent (dist/remote-agent.js): --ssh sends it to a remote node. */
export const AGENT_ASSET = 'remote-agent.js';

export function remoteAgentCode(): string | null {
  return getAsset(AGENT_ASSET, 'utf8');
}

export function loadNetlink(): unknown {
  // bundled by esbuild (a plain require, not createRequire), with the addon from ./addon.ts
  return require('netlink');
}

// the same exports as src/parts.ts, with the same types
({ version, loadDashboard, startSamplerWorker, loadNetlink, remoteAgentCode }) satisfies typeof Parts;
