/**
 * Regenerates media/dashboard.svg and media/dashboard.txt from a captured frame of the real program:
 * a small loopback farm (a service leaking CLOSE_WAIT, a TIME_WAIT storm to a backend, some ESTABLISHED),
 * tcptally in a 100×32 tmux pane, capture-pane -e, converted to SVG.
 *   npm run build && node dist/scripts/screenshot.js
 */

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketFarm } from '../test/helpers/sockets.js';
import { TmuxPane } from '../test/helpers/tmux.js';
import { ansiToSvg } from './ansi-svg.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const COLS = 100, ROWS = 32;

const farm = new SocketFarm();
const app = await farm.listen('127.0.0.1', 18080);
const api = await farm.listen('::1', 18443);
const db = await farm.closingListener('127.0.0.1');
await farm.closeWait('127.0.0.1', app, 23); // the leak: CLOSE_WAIT on :18080
await farm.established('127.0.0.1', app, 12);
await farm.established('::1', api, 7);
await farm.timeWait('127.0.0.1', db, 40); // TIME_WAIT storm to the backend
const pane = new TmuxPane('screenshot');
try {
  pane.start([process.execPath, CLI, '--interval', '0.5', '--filter', `port = 18080 or port = 18443 or port = ${db}`], COLS, ROWS);
  await pane.waitFor(/sockets \d+/);
  await farm.timeWait('127.0.0.1', db, 25); // the trend moves
  await sleep(1500);
  pane.send(['s', 's', 's']); // sort by CLOSE_WAIT: the leaker on top
  await sleep(1200);
  const ansi = pane.capture(true);
  writeFileSync(`${root}media/dashboard.txt`, pane.capture());
  writeFileSync(`${root}media/dashboard.svg`, ansiToSvg(ansi, COLS, ROWS - 1, `tcptally — ${COLS}×${ROWS}`));
  pane.send(['q']);
  console.log('wrote media/dashboard.svg and media/dashboard.txt');
} finally {
  pane.kill();
  await farm.closeAll();
}
