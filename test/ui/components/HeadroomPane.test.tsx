/** src/ui/components/HeadroomPane.tsx: exact frames, colour from 80 % and 90 %, the '!' marker without colour. */

import '../../helpers/forceColor.js'; // first: chalk reads FORCE_COLOR when Ink loads it
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { Headroom } from '../../../src/model/headroom.js';
import { HeadroomPane } from '../../../src/ui/components/HeadroomPane.js';
import { ThemeContext } from '../../../src/ui/theme.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

const H: Headroom = {
  range: [40000, 40099], size: 100, reserved: 0, twReuse: 2, finTimeout: 60, count: 3, foreign: 0,
  rows: [
    { family: 4, local: '10.0.0.1', remote: '10.0.0.9', port: 5432, used: 95, size: 100 },
    { family: 4, local: '10.0.0.1', remote: '10.0.0.8', port: 80, used: 80, size: 100 },
    { family: 6, local: '::1', remote: '::1', port: 443, used: 79, size: 100 },
  ],
};

test('HeadroomPane without colour: exact frame at 80 columns, rows from 80 % marked with !', () => {
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: false, ascii: true }}>
      <HeadroomPane headroom={H} waiting={false} selected={0} height={5} width={80} />
    </ThemeContext.Provider>,
  );
  const lines = strip(lastFrame()).split('\n').map((l) => l.trimEnd());
  // the settings do not fit one line at 80: the kernel's go to the second; the gauge takes the rest of
  // the line, 31 cells inside its brackets: 95 % → 29 cells (29.45 rounded), 80 % → 25 (24.8), 79 % → 24 (24.49)
  assert.deepEqual(lines, [
    'ephemeral ports: range 40000-40099 (100 ports)',
    'tw_reuse 2 (loopback)  fin_timeout 60 s  3 destinations, TIME_WAIT included',
    '  LOCAL     REMOTE:PORT      USED/SIZE      %  GAUGE',
    `! 10.0.0.1  10.0.0.9:5432       95/100   95.0  [${'#'.repeat(29)}${' '.repeat(2)}]`,
    `! 10.0.0.1  10.0.0.8:80         80/100   80.0  [${'#'.repeat(25)}${' '.repeat(6)}]`,
    `  ::1       [::1]:443           79/100   79.0  [${'#'.repeat(24)}${' '.repeat(7)}]`,
  ]);
  assert.ok(lines.slice(3).every((l) => l.length === 80), 'rows fill the width');
});

test('HeadroomPane in colour: red from 90 %, yellow from 80 %, none below; no marker', () => {
  const { lastFrame } = render(<HeadroomPane headroom={H} waiting={false} selected={2} height={5} width={100} />);
  const lines = (lastFrame() ?? '').split('\n');
  const row = (dest: string) => lines.find((l) => strip(l).includes(dest))!;
  assert.match(row('10.0.0.9:5432'), /\x1b\[31m/, 'red at 95 %');
  assert.match(row('10.0.0.8:80'), /\x1b\[33m/, 'yellow at 80 %');
  assert.doesNotMatch(row('[::1]:443'), /\x1b\[3[13]m/, 'plain at 79 %');
  assert.ok(lines.every((l) => !strip(l).startsWith('!')), 'colour says it: no marker');
  assert.match(row('[::1]:443'), /\x1b\[7m/, 'the selection is inverse');
  assert.ok(lines.every((l) => strip(l).length <= 100));
});

test('HeadroomPane: narrow terminal puts the kernel settings on the second line; unknown and waiting say so', () => {
  const narrow = render(
    <ThemeContext.Provider value={{ color: false, ascii: false }}>
      <HeadroomPane headroom={{ ...H, reserved: 10, size: 90 }} waiting={false} selected={0} height={3} width={64} />
    </ThemeContext.Provider>,
  );
  const [a, b] = strip(narrow.lastFrame()).split('\n');
  assert.equal(a.trimEnd(), 'ephemeral ports: range 40000–40099 (90 ports, 10 reserved)');
  assert.match(b, /^tw_reuse 2 \(loopback\) {2}fin_timeout 60 s {2}3 destinations/);
  const unknown = render(<HeadroomPane headroom={null} waiting={false} selected={0} height={3} width={80} />);
  assert.match(strip(unknown.lastFrame()), /^ephemeral-port headroom unknown: no port-range sysctls for these sockets \(--pid: *\n {2}another namespace's; run tcptally inside it: nsenter -t PID -n tcptally\)/);
  const waiting = render(<HeadroomPane headroom={null} waiting selected={0} height={3} width={80} />);
  assert.match(strip(waiting.lastFrame()), /waiting for the first sample/);
  const empty = render(<HeadroomPane headroom={{ ...H, rows: [], count: 0 }} waiting={false} selected={0} height={3} width={80} />);
  assert.match(strip(empty.lastFrame()), /\(no connection holds an ephemeral port\)/);
});
