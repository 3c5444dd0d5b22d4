/**
 * Who owns a socket: pure parsers for the /proc text the owner index reads (no I/O here).
 *
 * - `/proc/PID/fd/N` links: `socket:[INODE]` (the inode the inet_diag dump and /proc/net/tcp report);
 * - `/proc/PID/stat`: the command sits in parentheses and may itself contain spaces and ')': the fields
 *   after it start after the *last* ')';
 * - `/proc/PID/status`: the `Uid:` line (real, effective, saved, filesystem);
 * - `/etc/passwd`: uid → user name;
 * - `/proc/PID/cgroup`: the container or systemd unit a process runs in.
 */

/** 'socket:[12345]' → 12345; anything else (a file, a pipe, an anon inode, garbage) → -1. */
/**
 * The pids holding a socket (ascending), or why there are none to show: 'none' (inode 0 — TIME_WAIT,
 * request socks, orphans — or not held by any process, every process readable), 'unreadable' (not
 * found, and some process's fds could not be read), 'pending' (not found yet: no complete walk since it
 * appeared).
 */
export type Owners = readonly number[] | 'none' | 'unreadable' | 'pending';

export function socketInode(link: string): number {
  // 'socket:[' is 8 characters; the shortest valid link is 'socket:[0]'
  if (link.length < 10 || link.charCodeAt(link.length - 1) !== 93 /* ] */ || !link.startsWith('socket:[')) return -1;
  let v = 0;
  for (let i = 8; i < link.length - 1; i++) {
    const d = link.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= 0xffffffff ? v : -1;
}

export interface ProcStat {
  pid: number;
  /** The command (comm, at most 15 bytes in the kernel), parentheses removed. */
  command: string;
  /** One letter: R, S, D, Z, T, … */
  state: string;
  ppid: number;
  /** Field 22: the start time in clock ticks after boot; with the pid, it names a process for good. */
  startTime: number;
}

/** Parses `/proc/PID/stat`; null when it is not one (truncated, no parentheses, bad numbers). */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // fields 3.. after ") "; field n is rest[n - 3]
  const rest = text.slice(close + 2).split(' ');
  if (rest.length < 20) return null;
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(ppid) || !Number.isInteger(startTime) || rest[0].length !== 1) return null;
  return { pid, command: text.slice(open + 1, close), state: rest[0], ppid, startTime };
}

/**
 * The effective uid from `/proc/PID/status` (what ps and top show as USER); -1 when there is no
 * well-formed `Uid:` line.
 */
export function parseStatusUid(text: string): number {
  const m = /^Uid:[ \t]+(\d+)[ \t]+(\d+)[ \t]+(\d+)[ \t]+(\d+)[ \t]*$/m.exec(text);
  return m ? Number(m[2]) : -1;
}

/** `/etc/passwd` → uid → name; the first line for a uid wins (as getpwuid); comments and bad lines skipped. */
export function parsePasswd(text: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7 || f[0] === '' || !/^\d+$/.test(f[2])) continue;
    const uid = Number(f[2]);
    if (!m.has(uid)) m.set(uid, f[0]);
  }
  return m;
}

export type Runtime = 'docker' | 'containerd' | 'cri-o' | 'podman' | 'systemd';

export interface Container {
  runtime: Runtime;
  /** The full container id (64 hex), or the systemd unit name. */
  id: string;
  /** The Kubernetes pod uid (with dashes), when the cgroup path names one. */
  pod?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
/** `<prefix>-<64 hex>.scope` as the systemd cgroup driver names a container's scope. */
const SCOPE = /^(docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\.scope$/;
const RUNTIME_OF: Record<string, Runtime> = { docker: 'docker', 'cri-containerd': 'containerd', crio: 'cri-o', libpod: 'podman' };
/** `kubepods-besteffort-pod<uid with _>.slice`, `kubepods-pod<uid>.slice` (systemd driver). */
const POD_SLICE = /^kubepods(?:-[a-z]+)*-pod([0-9a-f_-]+)\.slice$/;
/** `pod<uid>` under `/kubepods/…` (cgroupfs driver). */
const POD_DIR = /^pod([0-9a-f-]{36})$/;
const UNIT = /^[^/]+\.(service|scope)$/;

/** The container in one cgroup path (`/system.slice/docker-<id>.scope`), or null. */
function containerInPath(path: string, units: boolean): Container | null {
  const parts = path.split('/').filter((p) => p !== '');
  let pod: string | undefined;
  for (const p of parts) {
    const ps = POD_SLICE.exec(p);
    if (ps) pod = ps[1].replace(/_/g, '-');
    const pd = POD_DIR.exec(p);
    if (pd && parts[0] === 'kubepods') pod = pd[1];
  }
  // the innermost container-looking component wins (docker-in-docker shows the inner one last)
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    const s = SCOPE.exec(p);
    if (s) return withPod({ runtime: RUNTIME_OF[s[1]], id: s[2] }, pod);
    // cgroupfs drivers: /docker/<id>, /libpod_parent/libpod-<id>
    if (HEX64.test(p) && i > 0 && parts[i - 1] === 'docker') return { runtime: 'docker', id: p };
    const lp = /^libpod-([0-9a-f]{64})$/.exec(p);
    if (lp) return { runtime: 'podman', id: lp[1] };
  }
  if (!units) return null;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (UNIT.test(parts[i])) return { runtime: 'systemd', id: parts[i] };
  }
  return null;
}

function withPod(c: Container, pod: string | undefined): Container {
  return pod ? { ...c, pod } : c;
}

/**
 * The container (or systemd unit) a process runs in, from `/proc/PID/cgroup`: the cgroup v2 line
 * (`0::/path`) first, then the v1 lines. Container forms: `…/docker-<64 hex>.scope`, `/docker/<64 hex>`,
 * `…/kubepods…-pod<uid>.slice/cri-containerd-<64 hex>.scope` (the pod uid's `_` become `-`),
 * `crio-<64 hex>.scope`, `libpod-<64 hex>.scope`. Otherwise the innermost systemd unit
 * (`/system.slice/nginx.service` → `nginx.service`), taken from the v2 or the `name=systemd` line only.
 * null when none is named (the root cgroup, a process inside a cgroup namespace, anything else).
 */
export function containerOf(cgroupText: string): Container | null {
  const v2: string[] = [];
  const sysd: string[] = [];
  const v1: string[] = [];
  for (const line of cgroupText.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const path = line.slice(b + 1);
    if (!path.startsWith('/')) continue;
    const id = line.slice(0, a);
    const controllers = line.slice(a + 1, b);
    if (id === '0' && controllers === '') v2.push(path);
    else if (controllers === 'name=systemd') sysd.push(path);
    else v1.push(path);
  }
  for (const p of [...v2, ...sysd, ...v1]) {
    const c = containerInPath(p, false);
    if (c) return c;
  }
  for (const p of [...v2, ...sysd]) {
    const c = containerInPath(p, true);
    if (c) return c;
  }
  return null;
}

/** The id to display: 12 characters of a container id (as `docker ps`), the whole unit name for systemd. */
export function shortId(c: Container): string {
  return c.runtime === 'systemd' ? c.id : c.id.slice(0, 12);
}
