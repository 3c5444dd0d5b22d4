/**
 * src/ui/keymap.ts: which action a key name dispatches in each context, as literal rows written from
 * the README's key table, not from BINDINGS; and keys that must stay unbound (in the prompt they type).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionFor, BINDINGS, type ActionId, type Context } from '../../src/ui/keymap.js';
import { initialViewState, reduce, type KeyEnv, type ViewState } from '../../src/ui/viewState.js';
import { snapshotOf } from '../helpers/snapshot.js';

/** Every binding there is: [context, key name, action]. */
const BOUND: [Context, string, ActionId][] = [
  ['main', 'q', 'quit'],
  ['main', 'ctrl+c', 'quit'],
  ['main', '?', 'help'],
  ['main', '/', 'filter'],
  ['main', 'escape', 'escape'],
  ['main', 's', 'sortNext'],
  ['main', 'right', 'sortNext'],
  ['main', 'left', 'sortPrev'],
  ['main', 'S', 'sortReverse'],
  ['main', 'r', 'sortReverse'],
  ['main', 'tab', 'togglePane'],
  ['main', 'k', 'up'],
  ['main', 'up', 'up'],
  ['main', 'j', 'down'],
  ['main', 'down', 'down'],
  ['main', 'pageup', 'pageUp'],
  ['main', 'pagedown', 'pageDown'],
  ['main', 'home', 'home'],
  ['main', 'g', 'home'],
  ['main', 'end', 'end'],
  ['main', 'G', 'end'],
  ['main', 'enter', 'drill'],
  ['main', 'space', 'pause'],
  ['main', 'p', 'pause'],
  ['main', '-', 'faster'],
  ['main', '+', 'slower'],
  ['main', '=', 'slower'], // + without shift
  ['main', 't', 'trend'],
  ['main', 'z', 'hideZero'],
  ['main', 'n', 'allNetns'],
  ['main', 'l', 'listeners'],
  ['main', 'a', 'alerts'],
  ['help', 'a', 'alerts'],
  ['main', 'd', 'diagram'],
  ['main', 'e', 'headroom'],

  ['help', 'q', 'quit'],
  ['help', 'ctrl+c', 'quit'],
  ['help', '?', 'help'],
  ['help', 'escape', 'escape'],
  ['help', 'k', 'up'],
  ['help', 'up', 'up'],
  ['help', 'j', 'down'],
  ['help', 'down', 'down'],
  ['help', 'pageup', 'pageUp'],
  ['help', 'pagedown', 'pageDown'],
  ['help', 'home', 'home'],
  ['help', 'g', 'home'],
  ['help', 'end', 'end'],
  ['help', 'G', 'end'],

  ['replay', 'space', 'pause'],
  ['replay', 'p', 'pause'],
  ['replay', ',', 'stepBack'],
  ['replay', '.', 'stepForward'],
  ['replay', '[', 'seekBack'],
  ['replay', ']', 'seekForward'],
  ['replay', '<', 'playSlower'],
  ['replay', '>', 'playFaster'],

  ['prompt', 'ctrl+c', 'quit'],
  ['prompt', 'enter', 'promptSubmit'],
  ['prompt', 'escape', 'promptCancel'],
  ['prompt', 'backspace', 'promptBackspace'],
  ['fleet', 'q', 'quit'],
  ['fleet', 'ctrl+c', 'quit'],
  ['fleet', 'k', 'up'],
  ['fleet', 'up', 'up'],
  ['fleet', 'j', 'down'],
  ['fleet', 'down', 'down'],
  ['fleet', 'enter', 'drill'],
];

/** Keys that must do nothing in a context (in the prompt: they are typed into the filter). */
const UNBOUND: [Context, string][] = [
  ...(['q', 's', 'S', 'r', '?', '/', 'j', 'k', 'g', 'G', 'p', 't', 'z', '+', '=', '-', 'space', 'tab', 'up', 'down', 'left', 'right', 'pageup', 'home', 'd'] as const)
    .map((k): [Context, string] => ['prompt', k]),
  ...(['s', 'S', 'r', '/', 'tab', 'enter', 'space', 'p', 't', 'z', '+', '-', 'left', 'right', 'backspace', 'd'] as const)
    .map((k): [Context, string] => ['help', k]),
  ['main', 'backspace'],
  // the replay keys act only in a replay
  ...([',', '.', '[', ']', '<', '>'] as const).map((k): [Context, string] => ['main', k]),
  ['replay', 'q'], // the main bindings apply in a replay: its own table holds only its own keys
  ['main', 'Q'], // quit is lower-case q only
  ['main', 'R'],
  ['main', 'x'],
  ['main', 'ctrl+d'],
  ['main', 'ctrl+q'],
  // the fleet: keys reserved for other views do nothing
  ...(['a', 'd', 'e', 'l', 's', '/', 'tab', 'escape', 'space'] as const).map((k): [Context, string] => ['fleet', k]),
];

for (const [context, name, action] of BOUND) {
  test(`${context}: "${name}" dispatches ${action}`, () => {
    assert.equal(actionFor(context, name), action);
  });
}

for (const [context, name] of UNBOUND) {
  test(`${context}: "${name}" is not bound`, () => {
    assert.equal(actionFor(context, name), undefined);
  });
}

test('the table binds exactly the rows above: none missing, none extra, no key twice in a context', () => {
  const table = BINDINGS.flatMap((b) => b.contexts.flatMap((c) => b.keys.map((k) => `${c} ${k} ${b.action}`))).sort();
  assert.deepEqual(table, BOUND.map((r) => r.join(' ')).sort());
});

// ten outbound service ports, a page of 4 table rows, 60 help lines of which 20 show
const env: KeyEnv = {
  snap: snapshotOf(Array.from({ length: 10 }, (_, i) => ({ family: 4 as const, state: 1, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 80 + i }))),
  page: 4,
  helpLines: 60,
  helpPage: 20,
};

test('no key is dead: every action bound on the main screen changes the view state', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), selected: 3, filterText: 'tw', filter: { kind: 'state', codes: [6] } };
  for (const [, name] of BOUND.filter(([c]) => c === 'main')) {
    assert.notDeepEqual(reduce(base, { type: 'keys', keys: [{ name, text: name }], env }), base, name);
  }
});

test('no key is dead on the help screen either', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), help: true, helpScroll: 5 };
  for (const [, name] of BOUND.filter(([c]) => c === 'help')) {
    assert.notDeepEqual(reduce(base, { type: 'keys', keys: [{ name, text: name }], env }), base, name);
  }
});

test('in the prompt an unbound key types its text: "q" and "?" go into the filter, nothing quits', () => {
  let s: ViewState = { ...initialViewState({ intervalMs: 1000 }), prompt: { text: 'est', error: null, full: false } };
  for (const [name, text] of [['q', 'q'], ['?', '?'], ['space', ' '], ['S', 'S']]) s = reduce(s, { type: 'keys', keys: [{ name, text }], env });
  assert.equal(s.prompt?.text, 'estq? S');
  assert.equal(s.quit, false);
  assert.equal(s.help, false);
});

test('in a replay every replay key changes the view state; live they do nothing', () => {
  const replayEnv: KeyEnv = { ...env, replay: true, snap: { ...env.snap!, replay: { index: 3, count: 9, speed: 1, playing: true } } };
  const base: ViewState = initialViewState({ intervalMs: 1000 });
  for (const [, name] of BOUND.filter(([c]) => c === 'replay')) {
    assert.notDeepEqual(reduce(base, { type: 'keys', keys: [{ name, text: name }], env: replayEnv }), base, name);
    if (name !== 'space' && name !== 'p') assert.deepEqual(reduce(base, { type: 'keys', keys: [{ name, text: name }], env }), base, name);
  }
});
