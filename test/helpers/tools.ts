/**
 * What a test needs from the machine (ss, ip, nft, tmux, pgrep, network namespaces, root), checked in
 * one place. Locally a missing tool skips the test, saying which tool and why; under CI (CI=true) it
 * fails, with the same message: CI never passes with less than the whole suite.
 */

import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export type Tool = 'ss' | 'ip' | 'nft' | 'tmux' | 'pgrep' | 'script' | 'netns' | 'root' | 'prometheus' | 'promtool' | 'sshd';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const runs = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
const isRoot = () => process.getuid?.() === 0;

/** Each probe returns null when the tool is usable, else what is wrong. */
const PROBES: Record<Tool, () => string | null> = {
  ss: () => (runs('ss', ['-V']) ? null : 'ss not found (iproute2)'),
  ip: () => (runs('ip', ['-V']) ? null : 'ip not found (iproute2)'),
  tmux: () => (runs('tmux', ['-V']) ? null : 'tmux not found'),
  pgrep: () => (runs('pgrep', ['-V']) ? null : 'pgrep not found (procps)'),
  script: () => (runs('script', ['--version']) ? null : 'script not found (util-linux / bsdutils)'),
  root: () => (isRoot() ? null : 'not root'),
  sshd: () => {
    if (!runs('sh', ['-c', 'test -x /usr/sbin/sshd'])) return '/usr/sbin/sshd not found (openssh-server)';
    if (!runs('sh', ['-c', 'command -v ssh && command -v ssh-keygen'])) return 'ssh or ssh-keygen not found (openssh-client)';
    return isRoot() ? null : 'the test sshd logs in as root';
  },
  prometheus: () => (runs('prometheus', ['--version']) ? null : 'prometheus not found (Debian package prometheus)'),
  promtool: () => (runs('promtool', ['--version']) ? null : 'promtool not found (Debian package prometheus)'),
  nft: () => {
    if (!runs('sh', ['-c', 'command -v nft'])) return 'nft not found (nftables)';
    return runs('nft', ['list', 'tables']) ? null : 'nft cannot list tables (needs root / CAP_NET_ADMIN)';
  },
  netns: () => {
    if (!isRoot()) return 'network namespaces need root';
    if (!runs('ip', ['-V'])) return 'ip not found (iproute2)';
    const probe = `tcptally-probe-${process.pid}`;
    if (!runs('ip', ['netns', 'add', probe])) return '`ip netns add` failed';
    runs('ip', ['netns', 'delete', probe]);
    return null;
  },
};

const cache = new Map<Tool, string | null>();

/** Why `tool` is not usable here, or null when it is (probed once per process). */
export function toolMissing(tool: Tool): string | null {
  if (!cache.has(tool)) cache.set(tool, PROBES[tool]());
  return cache.get(tool)!;
}

function message(tool: Tool, why: string): string {
  return `${tool} unavailable (${toolMissing(tool)}): ${why}`;
}

function failInCi(tool: Tool, why: string): void {
  if (IN_CI) throw new Error(`${message(tool, why)}; CI=true requires it (.ci/run installs it)`);
}

/**
 * In a test: true when `tool` is usable. Otherwise the test is skipped locally (returns false: return
 * at once) and fails under CI, naming the tool.
 *   if (!requireTool(t, 'nft', 'SYN_SENT needs a DROP rule')) return;
 */
export function requireTool(t: TestContext, tool: Tool, why: string): boolean {
  if (toolMissing(tool) === null) return true;
  failInCi(tool, why);
  t.skip(message(tool, why));
  return false;
}

/** In a hook (where nothing can be skipped): true when usable; false locally; throws under CI. */
export function haveTool(tool: Tool, why: string): boolean {
  if (toolMissing(tool) === null) return true;
  failInCi(tool, why);
  return false;
}

/**
 * For a suite's options, `describe(name, { skip: suiteSkip(['tmux'], why) }, ...)`: false when every
 * tool is usable; locally the skip message; under CI it throws, which fails the file with the message.
 */
export function suiteSkip(tools: Tool[], why: string): string | false {
  for (const tool of tools) {
    if (toolMissing(tool) === null) continue;
    failInCi(tool, why);
    return message(tool, why);
  }
  return false;
}
