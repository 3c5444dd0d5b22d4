/**
 * The stdin loop of the test's child processes (farm-child, headroom-child): one `COMMAND N` a line,
 * run one after another, each answered "ok" once done or "error <message>"; `bye` runs when stdin
 * closes, on SIGTERM, and after 120 s in any case (bounded even if the parent forgets the child).
 */

import { createInterface } from 'node:readline';

export function serveCommands(commands: Record<string, (n: number) => Promise<void>>, bye: () => void, maxN = Infinity): void {
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    queue = queue.then(async () => {
      const run = commands[cmd];
      const n = Number(arg);
      if (!run || !Number.isInteger(n) || n < 0 || n > maxN) throw new Error(`bad command: ${line}`);
      await run(n);
    }).then(
      () => void process.stdout.write('ok\n'),
      (err: Error) => void process.stdout.write(`error ${err.message}\n`),
    );
  });
  lines.on('close', bye);
  process.on('SIGTERM', bye);
  setTimeout(bye, 120_000).unref();
}
