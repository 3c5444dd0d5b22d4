import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helpLines } from '../../src/ui/components/Help.js';
import { actionFor, BINDINGS, type Context } from '../../src/ui/keymap.js';
import { initialViewState, reduce, type ViewContext, type ViewState } from '../../src/ui/viewState.js';

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
  const text = helpLines(200, () => undefined).map((l) => l.text).join('\n');
  for (const b of BINDINGS) {
    assert.ok(text.includes(b.label), b.label);
    assert.ok(text.includes(b.help), b.help);
  }
});

const ctx: ViewContext = { rowCount: () => 10, page: 4, portAt: () => ({ port: 80, direction: 'in' }), helpMax: 30 };

test('every main-screen binding changes the view state (no key is dead)', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), selected: 3, filterText: 'tw', filter: { kind: 'state', codes: [6] } };
  for (const b of BINDINGS.filter((x) => x.contexts.includes('main'))) {
    const next = reduce(base, { type: b.action }, ctx);
    assert.notDeepEqual(next, base, b.action);
  }
});

test('every help-screen binding does something on the help screen', () => {
  const base: ViewState = { ...initialViewState({ intervalMs: 1000 }), help: true, helpScroll: 5 };
  for (const b of BINDINGS.filter((x) => x.contexts.includes('help'))) {
    assert.notDeepEqual(reduce(base, { type: b.action }, ctx), base, b.action);
  }
});
