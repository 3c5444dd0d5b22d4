import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SocketRecord } from '../../src/model/table.js';
import { keyNames } from '../../src/ui/keys.js';
import type { ActionId } from '../../src/ui/keymap.js';
import { initialViewState, NO_FILTER_IN_REPLAY, paneRows, PROMPT_MAX, reduce, SORT_COLUMNS, stepInterval, type KeyEnv, type ViewState } from '../../src/ui/viewState.js';
import { snapshotOf } from '../helpers/snapshot.js';

// 20 outbound service ports 6000..6019 with 20..1 ESTABLISHED sockets each: by total, 6000 is first
const RECORDS: SocketRecord[] = Array.from({ length: 20 }, (_, p) =>
  Array.from({ length: 20 - p }, (_, i): SocketRecord => ({ family: 4, state: 1, laddr: '10.0.0.1', lport: 40000 + p * 100 + i, raddr: '10.0.0.9', rport: 6000 + p })),
).flat();
const env: KeyEnv = { snap: snapshotOf(RECORDS), page: 5, helpLines: 100, helpPage: 20 };
const act = (id: ActionId) => ({ type: 'action' as const, id, env });
const run = (s: ViewState, ...ids: ActionId[]) => ids.reduce((x, id) => reduce(x, act(id)), s);
/** Keys as a terminal sends them in one burst (typing, a paste). */
const keys = (s: ViewState, input: string) =>
  reduce(s, { type: 'keys', keys: keyNames(input, { ...NO_KEY }), env });
const NO_KEY = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};
const init = () => initialViewState({ intervalMs: 1000 });

test('the filter prompt validates a burst of typing, keeps a bad expression, applies a good one', () => {
  let s = keys(init(), '/estab and bog');
  assert.equal(s.prompt!.text, 'estab and bog');
  assert.match(s.prompt!.error!, /"bog" at column 11/);
  s = run(s, 'promptSubmit');
  assert.equal(s.prompt!.text, 'estab and bog', 'nothing typed is lost');
  assert.ok(s.prompt!.error);
  assert.equal(s.filterText, null);
  s = keys(run(s, 'promptBackspace', 'promptBackspace', 'promptBackspace'), 'tw');
  assert.equal(s.prompt!.text, 'estab and tw');
  assert.equal(s.prompt!.error, null);
  s = run(s, 'promptSubmit');
  assert.equal(s.prompt, null);
  assert.equal(s.filterText, 'estab and tw');
  assert.equal(s.filter!.kind, 'and');
  // reopening shows the current filter for editing; Esc cancels without change; Esc again clears it
  s = run(s, 'filter');
  assert.equal(s.prompt!.text, 'estab and tw');
  s = run(s, 'promptCancel');
  assert.equal(s.filterText, 'estab and tw');
  s = run(s, 'escape');
  assert.equal(s.filterText, null);
  assert.equal(s.filter, null);
});

test('a burst that types and then submits applies what it typed', () => {
  const s = keys(init(), '/tw\r');
  assert.equal(s.prompt, null);
  assert.equal(s.filterText, 'tw');
});

test('typing in the prompt drops control characters; q types a q there', () => {
  const s = keys(keys(init(), '/li\x01s\x02t'), 'q');
  assert.equal(s.prompt!.text, 'listq');
  assert.equal(s.quit, false);
});

test('a paste longer than the prompt is cut, said so, and refused on Enter; the UI stays usable', () => {
  let s = keys(init(), '/' + 'estab or '.repeat(Math.ceil(PROMPT_MAX / 9) + 100)); // longer than the prompt holds
  assert.equal(s.prompt!.text.length, PROMPT_MAX);
  assert.match(s.prompt!.error!, new RegExp(`cut at ${PROMPT_MAX} characters`));
  s = run(s, 'promptSubmit');
  assert.ok(s.prompt, 'a cut filter is not applied');
  assert.equal(s.filterText, null);
  s = run(s, 'promptBackspace');
  assert.equal(s.prompt!.text.length, PROMPT_MAX - 1);
  s = run(s, 'promptCancel');
  assert.equal(run(s, 'quit').quit, true);
});

test('a deeply nested paste is an error in the prompt, not a crash', () => {
  const s = keys(init(), '/' + '('.repeat(3000) + 'estab' + ')'.repeat(3000));
  assert.ok(s.prompt);
  assert.match(s.prompt!.error!, /deep/);
});

test('an empty filter clears the filter', () => {
  const s = run({ ...init(), filterText: 'tw', filter: { kind: 'state', codes: [6] } }, 'filter', 'promptBackspace', 'promptBackspace', 'promptSubmit');
  assert.equal(s.filterText, null);
  assert.equal(s.filter, null);
});

test('sort: s cycles the columns, S reverses, t trends the sort column', () => {
  let s = init();
  assert.equal(SORT_COLUMNS[s.sortColumn].key, 'total');
  s = run(s, 'sortNext');
  assert.equal(SORT_COLUMNS[s.sortColumn].header, 'ESTAB');
  s = run(s, 'sortNext', 'trend');
  assert.equal(SORT_COLUMNS[s.sortColumn].header, 'TIME_W');
  assert.equal(s.trend, 6);
  s = run(s, 'sortNext', 'trend');
  assert.equal(s.trend, 8);
  s = run(s, 'sortReverse');
  assert.equal(s.ascending, true);
  s = run(init(), 'sortPrev', 'trend');
  assert.equal(SORT_COLUMNS[s.sortColumn].key, 'key');
  assert.equal(s.trend, 0, 'a non-state column trends all sockets');
});

test('selection moves within the rows of the snapshot; pages by the table height; home/end', () => {
  let s = run(init(), 'up');
  assert.equal(s.selected, 0);
  s = run(s, 'down', 'down');
  assert.equal(s.selected, 2);
  s = run(s, 'pageDown');
  assert.equal(s.selected, 7);
  s = run(s, 'end');
  assert.equal(s.selected, 19);
  s = run(s, 'down');
  assert.equal(s.selected, 19);
  s = run(s, 'pageUp', 'home');
  assert.equal(s.selected, 0);
  const none = reduce(init(), { type: 'action', id: 'end', env: { ...env, snap: null } });
  assert.equal(none.selected, 0, 'no data: nothing to select');
});

test('Tab cycles ports → hosts → host:port → processes → listeners → headroom; Enter drills into the port under the cursor; Esc leaves', () => {
  let s = run(init(), 'togglePane');
  assert.equal(s.pane, 'peers');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'peerPorts');
  s = run(s, 'drill');
  assert.equal(s.focus, null, 'no drill-down from host:port');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'processes');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'listeners');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'headroom', 'the ephemeral-port headroom closes the cycle');
  s = run(s, 'drill');
  assert.equal(s.focus, null, 'no drill-down from the headroom');
  s = run(s, 'togglePane', 'down', 'drill');
  assert.deepEqual(s.focus, { port: 6001, direction: 'out' });
  assert.equal(s.pane, 'peers');
  assert.equal(s.selected, 0);
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'peerPorts');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'processes', 'the port\'s processes');
  s = run(s, 'togglePane');
  assert.equal(s.pane, 'peers', 'within a port\'s drill-down Tab never shows the ports (nor the listeners)');
  s = run(s, 'escape');
  assert.equal(s.focus, null);
  assert.deepEqual([s.pane, s.selected], ['ports', 1], 'back on the row Enter was pressed on');
});

test('Enter on a process drills into its ports; Tab there cycles ports → hosts → host:port', () => {
  const procEnv: KeyEnv = {
    ...env,
    snap: snapshotOf(RECORDS, {}, { owners: (inode) => (inode === 0 ? 'none' : [4242]) }),
  };
  // no inode in RECORDS: nobody owns them, so no process rows
  const none = reduce(run(init(), 'togglePane', 'togglePane', 'togglePane'), { type: 'action', id: 'drill', env: procEnv });
  assert.equal(none.focus, null);
  const owned = RECORDS.map((r, i) => ({ ...r, inode: i < 5 ? 900 : 901 }));
  const ownedEnv: KeyEnv = { ...env, snap: snapshotOf(owned, {}, { owners: (inode) => (inode === 900 ? [111] : inode === 901 ? [222] : 'none') }) };
  let s = run(init(), 'togglePane', 'togglePane', 'togglePane');
  assert.equal(s.pane, 'processes');
  s = reduce(s, { type: 'action', id: 'drill', env: ownedEnv });
  assert.deepEqual(s.focus, { pid: 222 }, 'the process with the most sockets is first');
  assert.equal(s.pane, 'ports');
  s = run(s, 'togglePane', 'togglePane', 'togglePane');
  assert.equal(s.pane, 'ports', 'within a process\'s drill-down Tab never shows the processes (nor the listeners)');
  s = run(s, 'escape');
  assert.deepEqual([s.focus, s.pane], [null, 'processes'], 'Esc goes back to the processes');
});

test('a burst of keys acts on the rows as it goes: reverse the sort, then drill the first row', () => {
  // ascending by total: the port with the fewest sockets (6019) comes first, before any re-count arrives
  const s = keys(init(), 'S\r');
  assert.deepEqual(s.focus, { port: 6019, direction: 'out' });
});

test('paneRows re-sorts only when the view sort differs from the snapshot\'s', () => {
  const snap = env.snap!;
  assert.equal(paneRows(snap, 'ports', 1, false).rows, snap.tally.ports, 'same sort: the snapshot\'s own list');
  const asc = paneRows(snap, 'ports', 1, true).rows;
  assert.deepEqual(asc.slice(0, 3).map((r) => (r as { port: number }).port), [6019, 6018, 6017]);
  assert.equal(paneRows(snap, 'ports', 1, false).total, 20);
});

test('help scrolls by its own page, stops at its end; main keys do nothing under help', () => {
  let s = run(init(), 'help');
  assert.equal(s.help, true);
  s = run(s, 'down', 'down');
  assert.equal(s.helpScroll, 2);
  s = run(s, 'pageDown');
  assert.equal(s.helpScroll, 22, 'a help page is the help screen\'s height, not the table\'s');
  s = run(s, 'end');
  assert.equal(s.helpScroll, 80, '100 lines, 20 a page');
  s = run(s, 'pageDown', 'down');
  assert.equal(s.helpScroll, 80);
  s = run(s, 'pageUp');
  assert.equal(s.helpScroll, 60);
  s = run(s, 'sortNext');
  assert.equal(s.sortColumn, 1, 'main keys do nothing under help');
  s = run(s, 'escape');
  assert.equal(s.help, false);
});

test('pause, interval steps, hide zero, quit', () => {
  let s = run(init(), 'pause');
  assert.equal(s.paused, true);
  s = run(s, 'slower');
  assert.equal(s.intervalMs, 2000);
  s = run(s, 'faster', 'faster', 'faster', 'faster', 'faster');
  assert.equal(s.intervalMs, 100);
  assert.equal(stepInterval(100, -1), 100);
  assert.equal(stepInterval(1500, 1), 2000);
  assert.equal(stepInterval(1500, -1), 1000);
  s = run(s, 'hideZero');
  assert.equal(s.hideZero, true);
  assert.equal(run(s, 'quit').quit, true);
});

test('without owners the prompt refuses owner words, with its reason', () => {
  const s = reduce(keys(init(), '/'), { type: 'keys', keys: keyNames('pid 1', { ...NO_KEY }), env: { ...env, owners: false } });
  assert.match(s.prompt!.error!, /need owners/);
  const ok = reduce(keys(init(), '/'), { type: 'keys', keys: keyNames('pid 1', { ...NO_KEY }), env });
  assert.equal(ok.prompt!.error, null);
});

test('Esc in a fleet\'s host: leaves a drill-down first, then goes back to the fleet (the shared filter stays)', () => {
  const fleetEnv: KeyEnv = { ...env, canGoBack: true };
  const esc = (s: ViewState, e: KeyEnv) => reduce(s, { type: 'keys', keys: [{ name: 'escape', text: '' }], env: e });
  const tw = { filterText: 'tw', filter: { kind: 'state' as const, codes: [6] } };
  let s = reduce(init(), { type: 'keys', keys: [{ name: 'enter', text: '' }], env: fleetEnv });
  assert.ok(s.focus);
  s = esc({ ...s, ...tw }, fleetEnv);
  assert.equal(s.focus, null);
  assert.ok(!s.back);
  s = esc(s, fleetEnv);
  assert.equal(s.back, true);
  assert.equal(s.filterText, 'tw');
  // the local dashboard: Esc clears the filter, and there is nothing to go back to
  s = esc({ ...init(), ...tw }, env);
  assert.equal(s.filterText, null);
  assert.ok(!esc(s, env).back);
});

test('replay: , and . step (and pause), [ and ] seek a minute, < and > halve and double the speed within ×0.25..×64', () => {
  const replay = (playing: boolean): KeyEnv => ({ ...env, replay: true, snap: { ...env.snap!, replay: { index: 3, count: 9, speed: 1, playing } } });
  const keys = (s: ViewState, text: string, e = replay(true)) => reduce(s, { type: 'keys', keys: keyNames(text, NO_KEY), env: e });
  const s0 = initialViewState({ intervalMs: 1000 });
  // a burst counts every key: the moves are running sums
  let s = keys(s0, ',,');
  assert.deepEqual([s.steps, s.paused], [-2, true]);
  s = keys(s, '.');
  assert.equal(s.steps, -1);
  s = keys(s, ']]]');
  assert.equal(s.seekMs, 180_000);
  s = keys(s, '[');
  assert.equal(s.seekMs, 120_000);
  s = keys(s, '>>>>>>>>');
  assert.equal(s.speed, 64);
  s = keys(s, '<<<<<<<<<<<<<<');
  assert.equal(s.speed, 0.25);
  // Space toggles what the replay does: playing → pause, paused (or at its end) → play
  assert.equal(keys(s0, ' ', replay(true)).paused, true);
  assert.equal(keys({ ...s0, paused: true }, ' ', replay(false)).paused, false);
});

test('replay: the filter prompt says why it is not available and applies nothing; drill, interval and n do nothing', () => {
  const e: KeyEnv = { ...env, replay: true };
  let s = reduce(initialViewState({ intervalMs: 1000 }), { type: 'keys', keys: keyNames('/', NO_KEY), env: e });
  assert.equal(s.prompt?.error, NO_FILTER_IN_REPLAY);
  s = reduce(s, { type: 'keys', keys: keyNames('tw', NO_KEY), env: e });
  s = reduce(s, { type: 'keys', keys: [{ name: 'enter', text: '' }], env: e });
  assert.equal(s.prompt?.error, NO_FILTER_IN_REPLAY);
  assert.equal(s.filter, null);
  const base = initialViewState({ intervalMs: 1000 });
  for (const name of ['enter', '+', '-', 'n']) assert.deepEqual(reduce(base, { type: 'keys', keys: [{ name, text: name }], env: e }), base, name);
});

// listeners: a full one on 19101 (150 %), one at 10 % on 80
const LISTENERS: SocketRecord[] = [
  { family: 4, state: 10, laddr: '0.0.0.0', lport: 80, raddr: '0.0.0.0', rport: 0, rqueue: 1, wqueue: 10 },
  { family: 4, state: 10, laddr: '127.0.91.1', lport: 19101, raddr: '0.0.0.0', rport: 0, rqueue: 3, wqueue: 2 },
  { family: 4, state: 1, laddr: '127.0.91.1', lport: 19101, raddr: '127.0.0.1', rport: 50000 },
];

test('l shows the listeners (fullest first, whatever the sort), again goes back to ports; Enter drills into its port', () => {
  const lenv: KeyEnv = { ...env, snap: snapshotOf(LISTENERS) };
  const l = (s: ViewState, id: ActionId) => reduce(s, { type: 'action', id, env: lenv });
  let s = l({ ...init(), selected: 3 }, 'listeners');
  assert.deepEqual([s.pane, s.selected], ['listeners', 0]);
  const { rows, total } = paneRows(lenv.snap, 'listeners', 0, true);
  assert.deepEqual([rows.map((r) => (r as { port: number }).port), total], [[19101, 80], 2], 'the sort column does not reorder listeners');
  s = l(s, 'down');
  assert.equal(s.selected, 1);
  s = l(s, 'end');
  assert.equal(s.selected, 1, 'the selection stays within the listeners');
  assert.equal(l(s, 'listeners').pane, 'ports');
  s = l(l(s, 'end'), 'drill');
  assert.deepEqual([s.focus, s.pane], [{ port: 80, direction: 'in' }, 'peers']);
  const back = l(s, 'escape');
  assert.deepEqual([back.focus, back.pane, back.selected], [null, 'listeners', 1], 'Esc: back to the listener Enter was pressed on');
  s = l(l(back, 'home'), 'drill');
  assert.deepEqual([s.focus, s.pane], [{ port: 19101, direction: 'in' }, 'peers']);
  // from a port's drill-down, l leaves it (listeners are the box's); in a namespace's view it stays
  assert.deepEqual([l(s, 'listeners').pane, l(s, 'listeners').focus], ['listeners', null]);
  const ns = l({ ...init(), focus: { netns: 4026531840 } }, 'listeners');
  assert.deepEqual([ns.pane, ns.focus], ['listeners', { netns: 4026531840 }]);
  assert.equal(l(l(init(), 'togglePane'), 'listeners').pane, 'listeners');
});

test('d toggles the diagram; Esc leaves it before the drill-down and the filter; Enter does not drill unseen rows; t marks its state', () => {
  let s = run(init(), 'diagram');
  assert.equal(s.diagram, true);
  assert.equal(run(s, 'diagram').diagram, false);
  // drilled into a port and filtered, then the diagram: Esc steps back one thing at a time
  s = run(keys(init(), '/tw\r'), 'drill', 'diagram');
  assert.ok(s.focus && s.diagram && s.filterText === 'tw');
  s = run(s, 'escape');
  assert.deepEqual([s.diagram, !!s.focus, s.filterText], [false, true, 'tw']);
  s = run(s, 'escape');
  assert.deepEqual([s.diagram, !!s.focus, s.filterText], [false, false, 'tw']);
  // in the diagram the table's selection is not on screen: Enter leaves the view as it is
  const d = run(init(), 'diagram');
  assert.equal(run(d, 'drill'), d);
  // the diagram marks the largest pile until a state is trended with t
  assert.equal(init().trendSet, false);
  s = run(init(), 'sortNext', 'trend');
  assert.deepEqual([s.trend, s.trendSet], [1, true]);
  // in the prompt, d is a letter of the filter (dport)
  assert.equal(keys(init(), '/dport = 5432').prompt!.text, 'dport = 5432');
  // l from the diagram shows the listeners table (not the ports behind the diagram)
  s = run(init(), 'diagram', 'listeners');
  assert.deepEqual([s.diagram, s.pane], [false, 'listeners']);
  s = run({ ...init(), pane: 'listeners' }, 'diagram', 'listeners');
  assert.deepEqual([s.diagram, s.pane], [false, 'listeners']);
});

test('e: the headroom pane (leaving a drill-down or the diagram), e again or Esc back to the ports', () => {
  let s = run(init(), 'drill');
  assert.notEqual(s.focus, null);
  s = run(s, 'headroom');
  assert.deepEqual([s.pane, s.focus, s.selected], ['headroom', null, 0], 'box-wide: the drill-down is left');
  assert.equal(run(s, 'headroom').pane, 'ports');
  assert.equal(run(s, 'escape').pane, 'ports');
  const d = run(init(), 'diagram', 'headroom');
  assert.deepEqual([d.pane, d.diagram], ['headroom', false], 'from the diagram: the headroom, shown');
});
