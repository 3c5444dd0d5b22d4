import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerOf, parsePasswd, parseStat, parseStatusUid, shortId, socketInode, type Container } from '../../src/model/owners.js';

test('socketInode: socket:[N] → N, anything else → -1', () => {
  const cases: [string, number][] = [
    ['socket:[12345]', 12345],
    ['socket:[0]', 0],
    ['socket:[4294967295]', 4294967295],
    ['socket:[4294967296]', -1], // wider than the u32 the dump carries
    ['socket:[]', -1],
    ['socket:[12a45]', -1],
    ['socket:[123', -1],
    ['socket:123]', -1],
    ['pipe:[12345]', -1],
    ['anon_inode:[eventpoll]', -1],
    ['/dev/null', -1],
    ['/tmp/socket:[1]', -1],
    ['', -1],
  ];
  for (const [link, want] of cases) assert.equal(socketInode(link), want, link);
});

test('parseStat: the command is what the last ")" closes; fields count from there', () => {
  // fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime(22) …
  const line = (pid: number, comm: string, state: string, ppid: number, start: number) =>
    `${pid} (${comm}) ${state} ${ppid} 10 10 0 -1 4194560 647 0 0 0 0 0 0 0 20 0 1 0 ${start} 3133440 413 18446744073709551615 1 1 0 0 0 0 0 0 0\n`;
  const cases: [string, ReturnType<typeof parseStat>][] = [
    [line(1, 'systemd', 'S', 0, 5), { pid: 1, command: 'systemd', state: 'S', ppid: 0, startTime: 5 }],
    [line(4242, 'node', 'R', 4200, 118066), { pid: 4242, command: 'node', state: 'R', ppid: 4200, startTime: 118066 }],
    [line(77, 'tmux: server', 'S', 1, 900), { pid: 77, command: 'tmux: server', state: 'S', ppid: 1, startTime: 900 }],
    [line(78, 'a) S 1 (b', 'Z', 2, 901), { pid: 78, command: 'a) S 1 (b', state: 'Z', ppid: 2, startTime: 901 }],
    [line(79, '))', 'D', 3, 902), { pid: 79, command: '))', state: 'D', ppid: 3, startTime: 902 }],
    [line(80, '', 'S', 3, 903), { pid: 80, command: '', state: 'S', ppid: 3, startTime: 903 }],
    ['', null],
    ['1 (x) S 0 1 1', null], // truncated
    ['abc (x) S 0 0 0 0 -1 4194560 647 0 0 0 0 0 0 0 20 0 1 0 5 1 1', null],
    ['12 x S 0 0 0 0 -1 4194560 647 0 0 0 0 0 0 0 20 0 1 0 5 1 1', null],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseStat(text), want, JSON.stringify(text));
});

test('parseStatusUid: the effective uid of the Uid line', () => {
  const cases: [string, number][] = [
    ['Name:\tnode\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\nGid:\t5\t5\t5\t5\n', 1001],
    ['Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n', 0],
    ['Name:\tx\nUid:\t65534\t65534\t65534\t65534', 65534],
    ['Name:\tx\nGid:\t1\t1\t1\t1\n', -1],
    ['Name:\tx\nUid:\t1\t2\n', -1],
    ['Name:\tUid:\t1\t2\t3\t4\n', -1], // not at a line start
    ['', -1],
  ];
  for (const [text, want] of cases) assert.equal(parseStatusUid(text), want, JSON.stringify(text));
});

test('parsePasswd: uid → first name; comments, short and bad lines skipped', () => {
  const text = [
    'root:x:0:0:root:/root:/bin/bash',
    '# a comment:x:5:5::/:/bin/sh',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    'toor:x:0:0:second root:/root:/bin/sh',
    'short:x:7',
    'bad:x:notanumber:1::/:/bin/sh',
    ':x:9:9::/:/bin/sh',
    '',
  ].join('\n');
  assert.deepEqual([...parsePasswd(text)].sort((a, b) => a[0] - b[0]), [[0, 'root'], [1, 'daemon'], [65534, 'nobody']]);
});

const D = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123'; // 64 hex
const E = 'f00d'.repeat(16);
assert.equal(D.length, 64);

test('containerOf: docker, containerd (with pod), cri-o, podman, systemd units, none', () => {
  const cases: [string, string, Container | null][] = [
    ['docker, systemd driver (v2)', `0::/system.slice/docker-${D}.scope\n`, { runtime: 'docker', id: D }],
    ['docker, cgroupfs driver (v1)', `12:memory:/docker/${D}\n11:cpu:/docker/${D}\n1:name=systemd:/docker/${D}\n`, { runtime: 'docker', id: D }],
    ['docker, hybrid: v2 line empty, v1 names it', `4:memory:/docker/${D}\n0::/\n`, { runtime: 'docker', id: D }],
    [
      'containerd under a kubepods slice (pod uid _ → -)',
      `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod3e1a6c6e_5f1d_4e1c_9b43_6f7d6a3b1c2d.slice/cri-containerd-${D}.scope\n`,
      { runtime: 'containerd', id: D, pod: '3e1a6c6e-5f1d-4e1c-9b43-6f7d6a3b1c2d' },
    ],
    [
      'containerd, guaranteed QoS pod slice',
      `0::/kubepods.slice/kubepods-pod0aa1b2c3_d4e5_f6a7_b8c9_d0e1f2a3b4c5.slice/cri-containerd-${E}.scope`,
      { runtime: 'containerd', id: E, pod: '0aa1b2c3-d4e5-f6a7-b8c9-d0e1f2a3b4c5' },
    ],
    [
      'cri-o under a burstable pod',
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod11111111_2222_3333_4444_555555555555.slice/crio-${E}.scope\n`,
      { runtime: 'cri-o', id: E, pod: '11111111-2222-3333-4444-555555555555' },
    ],
    ['cri-o conmon is not the container, only a systemd scope', `0::/kubepods.slice/crio-conmon-${E}.scope\n`, { runtime: 'systemd', id: `crio-conmon-${E}.scope` }],
    ['podman (systemd driver)', `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${E}.scope\n`, { runtime: 'podman', id: E }],
    ['podman (cgroupfs driver)', `0::/libpod_parent/libpod-${E}\n`, { runtime: 'podman', id: E }],
    ['a systemd service', '0::/system.slice/nginx.service\n', { runtime: 'systemd', id: 'nginx.service' }],
    ['a systemd service (v1 name=systemd)', '1:name=systemd:/system.slice/ssh.service\n2:cpu:/\n', { runtime: 'systemd', id: 'ssh.service' }],
    ['the innermost unit', '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1234.scope\n', { runtime: 'systemd', id: 'app-firefox-1234.scope' }],
    ['a v1 controller path is not a unit', '4:memory:/system.slice/nginx.service\n0::/\n', null],
    ['the root cgroup', '0::/\n', null],
    ['a cgroup namespace (inside a container)', '0::/\n', null],
    ['this box: v1 path with a 32-hex name', '4:memory:/process_api/861ae365fad2759c64daa8e4ae87b381\n0::/\n', null],
    ['docker id too short: only a systemd scope', `0::/system.slice/docker-${D.slice(1)}.scope\n`, { runtime: 'systemd', id: `docker-${D.slice(1)}.scope` }],
    ['docker id not hex: only a systemd scope', `0::/system.slice/docker-${'g'.repeat(64)}.scope\n`, { runtime: 'systemd', id: `docker-${'g'.repeat(64)}.scope` }],
    ['docker id too short, no unit', `0::/docker/${D.slice(1)}\n`, null],
    ['64 hex not under /docker', `0::/something/${D}\n`, null],
    ['empty', '', null],
    ['garbage', 'not a cgroup file', null],
  ];
  for (const [name, text, want] of cases) assert.deepEqual(containerOf(text), want, name);
});

test('shortId: 12 characters of a container id, the whole systemd unit', () => {
  assert.equal(shortId({ runtime: 'docker', id: D }), 'aaaaaaaaaaaa');
  assert.equal(shortId({ runtime: 'containerd', id: E, pod: 'x' }), 'f00df00df00d');
  assert.equal(shortId({ runtime: 'systemd', id: 'nginx.service' }), 'nginx.service');
});
