import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpLines } from '../../src/ui/components/Help.js';
import { actionFor, BINDINGS, type Context } from '../../src/ui/keymap.js';
import { initialViewState, reduce, type KeyEnv, type ViewState } from '../../src/ui/viewState.js';
import { snapshotOf } from '../helpers/snapshot.js';

const CONTEXTS: Context[] = ['main', 'help', 'prompt'];

test('no key is bound twice in one context', () => {
  for (const c of CONTEXTS) {
    const seen = new Map<string, string>();
    for (const b of BINDINGS) {
      if (!b.contexts.includes(c)) continue;
      for (const k of b.keys) {
        assert.ok(!seen.has(k), `${c}: "${k}" is bound to ${seen.get(k)} and ${b.action}`);
        seen.set(k, b.action);
      }
    }
  }
});

for (const b of BINDINGS) {
  for (const c of b.contexts) {
    for (const k of b.keys) {
      test(`${c}: key "${k}" dispatches ${b.action}`, () => {
        assert.equal(actionFor(c, k), b.action);
      });
    }
  }
}

test('every binding is on the help screen, with its keys and description', () => {
  const text = helpLines(200, false).map((l) => l.text).join('\n');
  for (const b of BINDINGS) {
    assert.ok(text.includes(b.label), b.label);
    assert.ok(text.includes(b.help), b.help);
  }
});

const env: KeyEnv = {
  snap: snapshotOf(Array.from({ length: 10 }, (_, i) => ({ family: 4 as const, state: 1, laddr: '10.0.0.1', lport: 40000 + i, raddr: '10.0.0.9', rport: 80 + i }))),
  page: 4,
  helpLines: 60,
  helpPage: 20,
};

test('every main-screen binding changes the view state (no key is dead)', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), selected: 3, filterText: 'tw', filter: { kind: 'state', codes: [6] } };
  for (const b of BINDINGS.filter((x) => x.contexts.includes('main'))) {
    const next = reduce(base, { type: 'action', id: b.action, env });
    assert.notDeepEqual(next, base, b.action);
  }
});

test('every help-screen binding does something on the help screen', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), help: true, helpScroll: 5 };
  for (const b of BINDINGS.filter((x) => x.contexts.includes('help'))) {
    assert.notDeepEqual(reduce(base, { type: 'action', id: b.action, env }), base, b.action);
  }
});
