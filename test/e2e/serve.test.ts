/**
 * The exporter beside the dashboard, in a real terminal (tmux): `--serve … --dashboard` draws the
 * dashboard and serves /metrics at the same time, each from its own sampler; q ends both (exit 0, the
 * port closed, the terminal restored). Sockets on 127.0.93.3, the exporter on 127.0.93.1:19305.
 */

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SocketFarm, type Host } from '../helpers/sockets.js';
import { TmuxPane } from '../helpers/tmux.js';
import { suiteSkip } from '../helpers/tools.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const SOCK = '127.0.93.3' as Host;
const ADDR = '127.0.93.1:19305';

describe('--serve beside the dashboard', { skip: suiteSkip(['tmux', 'pgrep'], 'the dashboard runs in a tmux pane') }, () => {
  const farm = new SocketFarm();
  const pane = new TmuxPane('serve');
  after(async () => {
    pane.kill();
    await farm.closeAll();
  });

  test('the dashboard draws, /metrics answers with the same filter; the dashboard\'s filter key does not change the metrics; q ends both', async () => {
    const port = await farm.listen(SOCK);
    await farm.closeWait(SOCK, port, 5);
    pane.start([process.execPath, CLI, '--serve', ADDR, '--dashboard', '-i', '0.5', '-f', `src ${SOCK} or dst ${SOCK}`], 120, 40);
    await pane.waitFor(/CLOSE_WAIT\s+5\b/, 15_000);
    const metrics = async () => (await fetch(`http://${ADDR}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    const text = await metrics();
    assert.match(text, /^node_tcp_connection_states\{state="close_wait"\} 5$/m);
    assert.match(text, /^node_tcp_connection_states\{state="fin_wait2"\} 5$/m);
    assert.match(text, new RegExp(`^tcptally_port_connection_states\\{port="${port}",direction="in",state="close_wait"\\} 5$`, 'm'));
    // the dashboard changes its own view (/ opens the filter prompt with the filter in it: erased, another typed);
    // the exporter keeps the command line's
    pane.send(['/']);
    pane.send(Array.from({ length: 40 }, () => 'BSpace'));
    pane.send(['state listen'], true);
    pane.send(['Enter']);
    await pane.waitFor(/CLOSE_WAIT\s+0\b/, 8000);
    const before = Number(/^tcptally_samples_total (\d+)$/m.exec(await metrics())![1]);
    let after = before;
    for (let i = 0; i < 40 && after <= before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = Number(/^tcptally_samples_total (\d+)$/m.exec(await metrics())![1]);
    }
    assert.ok(after > before, 'a newer sample');
    assert.match(await metrics(), /^node_tcp_connection_states\{state="close_wait"\} 5$/m);
    pane.send(['q']);
    assert.equal(await pane.exitCode(), 0);
    assert.deepEqual(pane.restored(), { cursorShown: true, leftAltScreen: true });
    await assert.rejects(fetch(`http://${ADDR}/metrics`, { signal: AbortSignal.timeout(2000) }));
  });
});
