/**
 * Regenerates media/diagram.svg and media/diagram.txt from a captured frame of the real program's
 * diagram view (the d key): a service on 127.0.97.2:19780 that leaks CLOSE_WAIT while the picture is
 * taken, some ESTABLISHED, a TIME_WAIT storm to a backend; tcptally in a 120×40 tmux pane, d pressed,
 * capture-pane -e converted to SVG.
 *   npm run build && node dist/scripts/screenshot-diagram.js      (npm run screenshot:diagram)
 */

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketFarm, type Host } from '../test/helpers/sockets.js';
import { TmuxPane } from '../test/helpers/tmux.js';
import { ansiToSvg } from './ansi-svg.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const COLS = 120, ROWS = 40;
/** Its own loopback address and ports: nothing else on the box is in the picture. */
const HOST = '127.0.97.2' as Host;

const farm = new SocketFarm();
const app = await farm.listen(HOST, 19780);
const api = await farm.listen(HOST, 19781);
const db = await farm.closingListener(HOST);
await farm.closeWait(HOST, app, 140); // the leak: CLOSE_WAIT on :19780 (its clients sit in FIN_WAIT2)
await farm.established(HOST, app, 12);
await farm.established(HOST, api, 9);
await farm.timeWait(HOST, db, 60); // TIME_WAIT to the backend
const pane = new TmuxPane('screenshot-diagram');
try {
  pane.start([process.execPath, CLI, '--interval', '1', '--filter', `addr ${HOST}`], COLS, ROWS);
  await pane.waitFor(/sockets \d+/);
  pane.send(['d']);
  await pane.waitFor(/┃ CLOSE_WAIT/);
  // it keeps leaking while the picture is taken: the boxes show the change since the last sample
  for (let i = 0; i < 12; i++) {
    await farm.closeWait(HOST, app, 2);
    await sleep(250);
  }
  const ansi = pane.capture(true);
  writeFileSync(`${root}media/diagram.txt`, pane.capture());
  writeFileSync(`${root}media/diagram.svg`, ansiToSvg(ansi, COLS, ROWS - 1, `tcptally — the diagram view (d), ${COLS}×${ROWS}`));
  pane.send(['q']);
  console.log('wrote media/diagram.svg and media/diagram.txt');
} finally {
  pane.kill();
  await farm.closeAll();
}
