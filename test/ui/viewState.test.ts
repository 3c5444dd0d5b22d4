import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialViewState, reduce, SORT_COLUMNS, stepInterval, type ViewAction, type ViewContext, type ViewState } from '../../src/ui/viewState.js';

const ctx: ViewContext = { rowCount: () => 20, page: 5, portAt: (s) => (s.pane === 'ports' ? { port: 5432, direction: 'out' } : null), helpMax: 10 };
const run = (s: ViewState, ...as: ViewAction[]) => as.reduce((x, a) => reduce(x, a, ctx), s);
const init = () => initialViewState({ intervalMs: 1000 });
const typeText = (text: string): ViewAction => ({ type: 'type', text });

test('the filter prompt validates as you type, keeps a bad expression, applies a good one', () => {
  let s = run(init(), { type: 'filter' }, typeText('estab and bog'));
  assert.match(s.prompt!.error!, /"bog" at column 11/);
  s = run(s, { type: 'promptSubmit' });
  assert.equal(s.prompt!.text, 'estab and bog', 'nothing typed is lost');
  assert.ok(s.prompt!.error);
  assert.equal(s.filterText, null);
  s = run(s, { type: 'promptBackspace' }, { type: 'promptBackspace' }, { type: 'promptBackspace' }, typeText('tw'));
  assert.equal(s.prompt!.text, 'estab and tw');
  assert.equal(s.prompt!.error, null);
  s = run(s, { type: 'promptSubmit' });
  assert.equal(s.prompt, null);
  assert.equal(s.filterText, 'estab and tw');
  assert.equal(s.filter!.kind, 'and');
  // reopening shows the current filter for editing; Esc cancels without change; Esc again clears it
  s = run(s, { type: 'filter' });
  assert.equal(s.prompt!.text, 'estab and tw');
  s = run(s, { type: 'promptCancel' });
  assert.equal(s.filterText, 'estab and tw');
  s = run(s, { type: 'escape' });
  assert.equal(s.filterText, null);
  assert.equal(s.filter, null);
});

test('typing in the prompt drops control characters; q types a q there', () => {
  const s = run(init(), { type: 'filter' }, typeText('li\x1bs\tt'), typeText('q'));
  assert.equal(s.prompt!.text, 'listq');
  assert.equal(s.quit, false);
});

test('an empty filter clears the filter', () => {
  const s = run({ ...init(), filterText: 'tw', filter: { kind: 'state', codes: [6] } }, { type: 'filter' },
    { type: 'promptBackspace' }, { type: 'promptBackspace' }, { type: 'promptSubmit' });
  assert.equal(s.filterText, null);
  assert.equal(s.filter, null);
});

test('sort: s cycles the columns, S reverses, t trends the sort column', () => {
  let s = init();
  assert.equal(SORT_COLUMNS[s.sortColumn].key, 'total');
  s = run(s, { type: 'sortNext' });
  assert.equal(SORT_COLUMNS[s.sortColumn].header, 'ESTAB');
  s = run(s, { type: 'sortNext' }, { type: 'trend' });
  assert.equal(SORT_COLUMNS[s.sortColumn].header, 'TIME_W');
  assert.equal(s.trend, 6);
  s = run(s, { type: 'sortNext' }, { type: 'trend' });
  assert.equal(s.trend, 8);
  s = run(s, { type: 'sortReverse' });
  assert.equal(s.ascending, true);
  s = run(init(), { type: 'sortPrev' }, { type: 'trend' });
  assert.equal(SORT_COLUMNS[s.sortColumn].key, 'key');
  assert.equal(s.trend, 0, 'a non-state column trends all sockets');
});

test('selection moves within the rows; pages; home/end', () => {
  let s = run(init(), { type: 'up' });
  assert.equal(s.selected, 0);
  s = run(s, { type: 'down' }, { type: 'down' });
  assert.equal(s.selected, 2);
  s = run(s, { type: 'pageDown' });
  assert.equal(s.selected, 7);
  s = run(s, { type: 'end' });
  assert.equal(s.selected, 19);
  s = run(s, { type: 'down' });
  assert.equal(s.selected, 19);
  s = run(s, { type: 'pageUp' }, { type: 'home' });
  assert.equal(s.selected, 0);
});

test('Tab cycles ports → hosts → host:port; Enter drills into a port; Esc leaves', () => {
  let s = run(init(), { type: 'togglePane' });
  assert.equal(s.pane, 'peers');
  s = run(s, { type: 'togglePane' });
  assert.equal(s.pane, 'peerPorts');
  s = run(s, { type: 'drill' });
  assert.equal(s.focus, null, 'drill works on the ports pane');
  s = run(s, { type: 'togglePane' }, { type: 'down' }, { type: 'drill' });
  assert.deepEqual(s.focus, { port: 5432, direction: 'out' });
  assert.equal(s.pane, 'peers');
  assert.equal(s.selected, 0);
  s = run(s, { type: 'togglePane' });
  assert.equal(s.pane, 'peerPorts');
  s = run(s, { type: 'togglePane' });
  assert.equal(s.pane, 'peers', 'within a drill-down Tab stays on its peers');
  s = run(s, { type: 'escape' });
  assert.equal(s.focus, null);
  assert.equal(s.pane, 'ports');
});

test('pause, interval steps, hide zero, help, quit', () => {
  let s = run(init(), { type: 'pause' });
  assert.equal(s.paused, true);
  s = run(s, { type: 'slower' });
  assert.equal(s.intervalMs, 2000);
  s = run(s, { type: 'faster' }, { type: 'faster' }, { type: 'faster' }, { type: 'faster' }, { type: 'faster' });
  assert.equal(s.intervalMs, 100);
  assert.equal(stepInterval(100, -1), 100);
  assert.equal(stepInterval(1500, 1), 2000);
  assert.equal(stepInterval(1500, -1), 1000);
  s = run(s, { type: 'hideZero' }, { type: 'help' });
  assert.equal(s.hideZero, true);
  assert.equal(s.help, true);
  s = run(s, { type: 'down' }, { type: 'down' }, { type: 'pageDown' }, { type: 'pageDown' }, { type: 'pageDown' });
  assert.equal(s.helpScroll, 10, 'help scroll stops at its end');
  s = run(s, { type: 'sortNext' });
  assert.equal(s.sortColumn, 1, 'main keys do nothing under help');
  s = run(s, { type: 'escape' });
  assert.equal(s.help, false);
  assert.equal(run(s, { type: 'quit' }).quit, true);
});
