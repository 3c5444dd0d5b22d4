/** The App with the real sampler over a scripted source: keys change what is shown. */

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { parseServices } from '../../src/model/services.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { App } from '../../src/ui/App.js';
import { initialViewState } from '../../src/ui/viewState.js';
import { FakeSource, inbound, listener, sockets } from '../helpers/fakeSource.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const services = parseServices('postgresql 5432/tcp\nhttp 80/tcp\nhttps 443/tcp\n');

// A box with a web server (80) that leaks CLOSE_WAIT, and a TIME_WAIT storm to a database (5432).
const FRAME = [
  listener(80),
  ...Array.from({ length: 7 }, (_, i) => inbound(80, 8, '10.0.0.7', 50000 + i)),
  inbound(80, 1, '10.0.0.8', 51000),
  ...sockets(30, 6, 5432, '10.0.0.9'),
  ...sockets(4, 1, 5432, '10.0.0.9', 41000),
  ...sockets(2, 1, 443, '10.0.0.10', 42000),
];

const open: { unmount(): void; sampler: Sampler }[] = [];
after(() => open.forEach((o) => { o.unmount(); o.sampler.close(); }));

async function mount() {
  const sampler = new Sampler(new FakeSource([FRAME]), { query: { intervalMs: 1000 } });
  await sampler.sample();
  let quit = false;
  const r = render(
    <App store={sampler} host="box" os="Linux 6.18" services={services} initial={initialViewState({ intervalMs: 1000 })} onQuit={() => (quit = true)} />,
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
  return { frame: () => strip(r.lastFrame()), press, quit: () => quit, sampler };
}

const tableRows = (f: string) => {
  const lines = f.split('\n');
  const h = lines.findIndex((l) => /TOTAL/.test(l) && /ESTAB/.test(l));
  return lines.slice(h + 1, -1).filter((l) => /^\s*\S/.test(l)); // the last line is the status line
};

test('first frame: header, all states, the ports table sorted by total, status line; fits the screen', async () => {
  const { frame } = await mount();
  const f = frame();
  const lines = f.split('\n');
  assert.ok(lines.length <= 23, `at most rows-1 lines (${lines.length})`);
  assert.match(lines[0], /^tcptally {2}box {2}src proc/);
  assert.match(lines[1], /^sockets 45 {2}IPv4 45 {2}IPv6 0/);
  assert.match(f, /^ CLOSE_WAIT {9}7 /m);
  assert.match(f, /^>TIME_WAIT {9}30 /m);
  const rows = tableRows(f);
  assert.match(rows[0], /^ 5432 postgresql +out +34 +4 +30 /);
  assert.match(rows[1], /^ {3}80 http +in +9 +1 +\. +7 /);
  assert.match(lines[lines.length - 1], /\? help/);
});

test('s sorts by the next column; S reverses', async () => {
  const { frame, press } = await mount();
  await press('s', 's', 's'); // ESTAB → TIME_W → CLOSE_W
  let rows = tableRows(frame());
  assert.match(frame(), /▼CLOSE_W/);
  assert.match(rows[0], /^ {3}80 http +in/, 'the CLOSE_WAIT leaker first');
  await press('S');
  rows = tableRows(frame());
  assert.match(frame(), /▲CLOSE_W/);
  assert.doesNotMatch(rows[0], /^ {3}80 http/);
});

test('Tab switches to the peers pane, then host:port', async () => {
  const { frame, press } = await mount();
  await press('\t');
  assert.match(frame(), /REMOTE HOST +▼TOTAL/);
  assert.match(tableRows(frame())[0], /^10\.0\.0\.9 +34 /);
  await press('\t');
  assert.match(tableRows(frame())[0], /^10\.0\.0\.9:5432 +34 /);
});

test('/ opens the filter prompt: an invalid filter shows its error in place, a valid one applies', async () => {
  const { frame, press, sampler } = await mount();
  await press('/', 'c', 'w', ' ', 'a', 'n', 'd', ' ', 'x');
  assert.match(frame(), /filter> cw and x *\n✗ "x" at column 8/);
  await press('\r');
  assert.match(frame(), /filter> cw and x/, 'Enter on an error keeps the text');
  await press('\x7f', '\x7f', '\x7f', '\x7f', '\x7f', '\x7f');
  assert.match(frame(), /filter> cw *\n✓/);
  await press('\r');
  const f = frame();
  assert.match(f, /filter: cw/);
  assert.match(f, /^sockets 7 of 45/m);
  assert.equal(sampler.getSnapshot()!.filter, 'cw');
  assert.equal(tableRows(f).length, 1);
  await press('\x1b');
  assert.doesNotMatch(frame(), /filter: cw/, 'Esc clears the filter');
  assert.equal(sampler.getSnapshot()!.filter, null);
});

test('Enter drills down into the selected port: its peers; Esc goes back', async () => {
  const { frame, press } = await mount();
  await press('j', '\r');
  let f = frame();
  assert.match(f, /drill-down: port 80 http in +total 9 +ESTAB 1 .*CLOSE_W 7/);
  const rows = tableRows(f);
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^10\.0\.0\.7 +7 /);
  await press('\x1b');
  f = frame();
  assert.doesNotMatch(f, /drill-down/);
  assert.match(f, /PORT SERVICE/);
});

test('Space pauses the view: new samples do not change it until unpaused', async () => {
  const { frame, press, sampler } = await mount();
  await press(' ');
  assert.match(frame(), /PAUSED/);
  const src = (sampler as unknown as { source: FakeSource }).source;
  src.frames = [[listener(80)]];
  await sampler.sample();
  await sleep(50);
  assert.match(frame(), /^sockets 45/m, 'frozen');
  await press(' ');
  assert.match(frame(), /^sockets 1 /m, 'live again');
});

test('? shows help with the keys and the eleven states; Esc closes; q quits', async () => {
  const { frame, press, quit } = await mount();
  await press('?');
  let f = frame();
  assert.match(f, /^KEYS/);
  assert.match(f, /quit \(the terminal is restored\)/);
  await press('G');
  f = frame();
  assert.match(f, /owners +pid N/, 'the end: the filter words');
  await press('\x1b[5~'); // PgUp: a screenful back
  assert.match(frame(), /CLOSE_WAIT +The peer closed/);
  await press('\x1b');
  assert.match(frame(), /PORT SERVICE/);
  await press('q');
  assert.equal(quit(), true);
});

test('t trends the state of the sort column', async () => {
  const { frame, press } = await mount();
  await press('s', 't');
  assert.match(frame(), /^ ESTABLISHED +\S+ +now 7 min 7 max 7 /m);
});

test('l shows the listeners table (its own columns, the box line), l again the service ports', async () => {
  const { frame, press } = await mount();
  await press('l');
  const lines = frame().split('\n');
  const h = lines.findIndex((l) => l.startsWith('  ADDRESS:PORT'));
  assert.ok(h > 0, frame());
  assert.match(lines[h - 1], /^ box \/s: /);
  assert.match(lines[h], /QUEUE\/BACKLOG +FILL +GAUGE +SYN_RECV$/);
  assert.match(lines[h + 1], /^ {2}0\.0\.0\.0:80 +0\/0 +0% /);
  assert.doesNotMatch(frame(), /TOTAL/, 'not the ports table');
  await press('l');
  assert.match(frame(), / PORT SERVICE/);
});

test('e shows the ephemeral-port headroom (the sampler counts it), e again or Esc goes back; Tab reaches it last', async () => {
  // 30 TIME_WAIT from 127.0.0.1:40000… to 10.0.0.9:5432 in a range of 37 ports: 81 %
  const settings = { range: [40000, 40036] as [number, number], reserved: [], twReuse: 2, finTimeout: 60 };
  const sampler = new Sampler(new FakeSource([FRAME]), { query: { intervalMs: 1000 }, readPortSettings: () => settings });
  await sampler.sample();
  const r = render(<App store={sampler} host="box" os="Linux 6.18" services={services} initial={initialViewState({ intervalMs: 1000 })} onQuit={() => {}} />);
  open.push({ unmount: r.unmount, sampler });
  const press = async (k: string) => { await sleep(30); r.stdin.write(k); await sleep(60); };
  const frame = () => strip(r.lastFrame());
  await press('e');
  let f = frame();
  assert.match(f, /^ephemeral ports: range 40000–40036 \(37 ports\)/m, f);
  assert.match(f, /^ {2}127\.0\.0\.1 +10\.0\.0\.9:5432 +30\/37 +81\.0 +\[█+/m, f);
  assert.ok(f.split('\n').length <= 23, 'fits the screen');
  await press('e');
  f = frame();
  assert.doesNotMatch(f, /ephemeral ports/);
  assert.match(f, /PORT SERVICE/);
  for (let i = 0; i < 5; i++) await press('\t');
  assert.match(frame(), /^ephemeral ports: /m, 'ports → hosts → host:port → processes → listeners → headroom');
  await press('\x1b');
  assert.match(frame(), /PORT SERVICE/, 'Esc: back to the ports');
});
