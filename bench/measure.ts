/**
 * What the benchmark times, each the way a user would meet it:
 * tcptally's sample (read + tally) per source inside a long-running process (wall and CPU), the bare
 * netlink dump (the floor: the kernel's cost plus receiving the bytes), and the commands people run.
 */

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { buildDumpRequest, NETLINK_SOCK_DIAG, AF_INET, AF_INET6 } from '../src/model/inetdiag.js';
import { Sampler } from '../src/sampler/sampler.js';
import { readCounters } from '../src/sources/counters.js';
import { openSource } from '../src/sources/index.js';
import type { SourceChoice } from '../src/sources/types.js';

export interface Timing {
  wallMs: number;
  cpuMs?: number;
}

/** A long-running sampler per source; each call takes one sample and returns its cost. */
export async function samplerProbe(source: SourceChoice): Promise<{ name: string; once: () => Promise<Timing>; close: () => void }> {
  const src = await openSource({ source });
  const sampler = new Sampler(src, { query: { intervalMs: 1000, top: 500 }, readCounters: () => readCounters('/proc/net') });
  await sampler.sample(); // warm-up: buffers grown, code optimised
  return {
    name: src.name,
    once: async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await sampler.sample();
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return { wallMs, cpuMs: (c.user + c.system) / 1000 };
    },
    close: () => sampler.close(),
  };
}

/** The netlink floor: the same two dumps, received and counted, nothing decoded. */
export function netlinkFloor(): { once: () => Promise<Timing>; close: () => void } {
  const require = createRequire(import.meta.url);
  const { RawNetlinkSocket } = require('netlink') as { RawNetlinkSocket: new (p: number, o: object) => { on: Function; off: Function; send: Function; close: Function } };
  // received as the netlink source receives (fixed 32 KiB buffers, so 32 KiB datagrams), else the
  // floor would pay for ~8× as many datagrams as tcptally does
  const sock = new RawNetlinkSocket(NETLINK_SOCK_DIAG, { recvBufferSize: 1 << 20, messagePeeking: false, msgBufferSize: 32 * 1024 });
  let seq = 1000;
  const dump = (family: number) =>
    new Promise<void>((resolve) => {
      const mySeq = seq++;
      const onMsg = (m: Buffer) => {
        // NLMSG_DONE ends the dump; it is the last message of the last datagram
        let off = 0, done = false;
        while (off + 16 <= m.length) {
          const len = m.readUInt32LE(off);
          if (m.readUInt16LE(off + 4) === 3 && m.readUInt32LE(off + 8) === mySeq) done = true;
          if (len < 16) break;
          off += (len + 3) & ~3;
        }
        if (done) { sock.off('message', onMsg); resolve(); }
      };
      sock.on('message', onMsg);
      sock.send(buildDumpRequest(family, mySeq));
    });
  return {
    once: async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await dump(AF_INET);
      await dump(AF_INET6);
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return { wallMs, cpuMs: (c.user + c.system) / 1000 };
    },
    close: () => sock.close(),
  };
}

/** A shell command, wall time of the whole pipeline (what a person typing it waits). */
export function command(cmd: string): { once: () => Promise<Timing> } {
  return {
    once: async () => {
      const t0 = performance.now();
      const r = spawnSync('sh', ['-c', cmd], { stdio: 'ignore' });
      const wallMs = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
      return { wallMs };
    },
  };
}

export const SS = 'ss -tan >/dev/null';
export const NETSTAT_AWK = `netstat -tan | awk '{++a[$6]} END{for (i in a) print i, a[i]}' >/dev/null`;
export const CAT_PROC = 'cat /proc/net/tcp /proc/net/tcp6 >/dev/null';

/** systeminformation.networkConnections(), in-process. */
export async function siProbe(): Promise<{ once: () => Promise<Timing> }> {
  const si = await import('systeminformation');
  return {
    once: async () => {
      const t0 = performance.now();
      await si.networkConnections();
      return { wallMs: performance.now() - t0 };
    },
  };
}
