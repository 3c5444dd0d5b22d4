/**
 * The diagram view: the Diagram component under colour and NO_COLOR, and the App with the real sampler
 * over a scripted source: d shows the diagram in place of the bars and tables, with the counts of
 * what is filtered and drilled into, the largest pile (or the trended state) marked; d / Esc go back.
 */

import '../../helpers/forceColor.js'; // first: chalk reads FORCE_COLOR when Ink loads it
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { parseServices } from '../../../src/model/services.js';
import { TCP } from '../../../src/model/states.js';
import { Sampler } from '../../../src/sampler/sampler.js';
import { App } from '../../../src/ui/App.js';
import { Diagram } from '../../../src/ui/components/Diagram.js';
import { ThemeContext } from '../../../src/ui/theme.js';
import { initialViewState } from '../../../src/ui/viewState.js';
import { FakeSource, inbound, listener, sockets } from '../../helpers/fakeSource.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const services = parseServices('postgresql 5432/tcp\nhttp 80/tcp\nhttps 443/tcp\n');
const slots = (o: Partial<Record<number, number>>) => Array.from({ length: 12 }, (_, c) => o[c] ?? 0);

test('Diagram: coloured like the bars (CLOSE_WAIT red, TIME_WAIT yellow, a rise red); no colour at all without it', () => {
  const props = { counts: slots({ [TCP.CLOSE_WAIT]: 40, [TCP.TIME_WAIT]: 9 }), deltas: slots({ [TCP.CLOSE_WAIT]: 5 }), mark: TCP.CLOSE_WAIT, width: 80, height: 20 };
  const coloured = render(
    <ThemeContext.Provider value={{ color: true, ascii: false }}>
      <Diagram {...props} />
    </ThemeContext.Provider>,
  ).lastFrame() ?? '';
  assert.match(coloured, /\x1b\[31m(\x1b\[1m)?CLOSE_WAIT/);
  assert.match(coloured, /\x1b\[33m│TIME_WAIT/);
  assert.match(coloured, /\x1b\[31m↑5/);
  const plain = render(
    <ThemeContext.Provider value={{ color: false, ascii: false }}>
      <Diagram {...props} />
    </ThemeContext.Provider>,
  ).lastFrame() ?? '';
  assert.doesNotMatch(plain, /\x1b\[(3|9)\d/, 'no colour under NO_COLOR');
  assert.match(strip(plain), /┃CLOSE_WAIT 40 ↑5┃/);
  assert.equal(strip(coloured), strip(plain), 'the same picture');
});

// A web server (80) that leaks CLOSE_WAIT, a TIME_WAIT storm to a database (5432); then two more leaked
const FRAME = [
  listener(80),
  ...Array.from({ length: 7 }, (_, i) => inbound(80, 8, '10.0.0.7', 50000 + i)),
  inbound(80, 1, '10.0.0.8', 51000),
  ...sockets(30, 6, 5432, '10.0.0.9'),
  ...sockets(4, 1, 5432, '10.0.0.9', 41000),
  ...sockets(2, 1, 443, '10.0.0.10', 42000),
];
const FRAME2 = [...FRAME, inbound(80, 8, '10.0.0.7', 50100), inbound(80, 8, '10.0.0.7', 50101)];

const open: { unmount(): void; sampler: Sampler }[] = [];
after(() => open.forEach((o) => { o.unmount(); o.sampler.close(); }));

async function mount() {
  const sampler = new Sampler(new FakeSource([FRAME, FRAME2]), { query: { intervalMs: 1000 } });
  await sampler.sample();
  const r = render(
    <ThemeContext.Provider value={{ color: false, ascii: false }}>
      <App store={sampler} host="box" os="Linux 6.18" services={services} initial={initialViewState({ intervalMs: 1000 })} onQuit={() => {}} />
    </ThemeContext.Provider>,
  );
  open.push({ unmount: r.unmount, sampler });
  await sleep(50);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await sleep(30);
    }
    await sleep(30);
  };
  return { frame: () => strip(r.lastFrame()), press, sampler };
}

test('d shows the diagram in place of the bars and the table, the largest pile marked and explained; d goes back', async () => {
  const { frame, press } = await mount();
  assert.match(frame(), /PORT SERVICE/);
  await press('d');
  const f = frame();
  const lines = f.split('\n');
  assert.ok(lines.length <= 23, `at most rows-1 lines (${lines.length})`);
  assert.match(lines[0], /^tcptally {2}box/, 'the header stays');
  assert.doesNotMatch(f, /PORT SERVICE|ESTABLISHED +7 +█/, 'no table, no bars');
  assert.match(f, /│CLOSE_WAIT +7│/);
  assert.match(f, /│ESTABLISHED +7│/);
  assert.match(f, /│LISTEN +1│/);
  assert.match(f, /┃TIME_WAIT +30┃/, 'the largest pile is marked');
  assert.match(f, /^TIME_WAIT 30: This side closed first; .*$/m);
  assert.match(lines[lines.length - 1], /diagram: d or Esc back/);
  await press('d');
  assert.match(frame(), /PORT SERVICE/);
  await press('d', '\x1b');
  assert.match(frame(), /PORT SERVICE/, 'Esc goes back too');
});

test('in a port\'s drill-down: that port\'s diagram, its changes from sample to sample; Esc back to its tables, then out', async () => {
  const { frame, press, sampler } = await mount();
  await press('j', '\r'); // port 80 (second by total)
  assert.match(frame(), /drill-down: port 80 http in/);
  await press('d');
  let f = frame();
  assert.match(f, /drill-down: port 80 http in +total 9/, 'the drill-down title stays');
  assert.match(f, /┃CLOSE_WAIT +7┃/, "the port's largest pile");
  assert.match(f, /│ESTABLISHED +1│/);
  assert.match(f, /│TIME_WAIT +0│/, "the database's TIME_WAIT is not this port's");
  assert.match(f, /^CLOSE_WAIT 7: The peer closed; the local application has not called/m);
  await sampler.sample(); // two more leaked
  await sleep(60);
  f = frame();
  assert.match(f, /┃CLOSE_WAIT +9 ↑2┃/);
  assert.match(f, /^CLOSE_WAIT 9 ↑2: /m);
  await press('\x1b');
  f = frame();
  assert.match(f, /drill-down: port 80/);
  assert.match(f, /REMOTE HOST/);
  await press('\x1b');
  assert.doesNotMatch(frame(), /drill-down/);
});

test('the diagram follows the filter; t marks the trended state instead of the largest pile', async () => {
  const { frame, press } = await mount();
  await press('d', '/', 'c', 'w', '\r');
  let f = frame();
  assert.match(f, /filter: cw/);
  assert.match(f, /┃CLOSE_WAIT +7┃/);
  assert.match(f, /│TIME_WAIT +0│/);
  assert.match(f, /│ESTABLISHED +0│/);
  await press('\x1b', '\x1b'); // Esc leaves the diagram first, then clears the filter
  assert.doesNotMatch(frame(), /filter: cw/);
  await press('s', 't', 'd'); // sort by ESTAB, trend it, back to the diagram
  f = frame();
  assert.match(f, /┃ESTABLISHED +7┃/, 'the trended state');
  assert.match(f, /│TIME_WAIT +30│/);
  assert.match(f, /^ESTABLISHED 7: Open connection/m);
});
