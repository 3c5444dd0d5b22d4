/** The alerts view in the App (scripted store) and its keys in the reducer. */

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { AlertTracker, type Alerts } from '../../src/model/alerts.js';
import { parseRule, type Rule, type RuleResult } from '../../src/model/rules.js';
import { App } from '../../src/ui/App.js';
import { initialViewState, reduce, type KeyEnv, type ViewState } from '../../src/ui/viewState.js';
import { ScriptedStore, SnapshotScript } from '../helpers/scriptedStore.js';
import { snapshotOf } from '../helpers/snapshot.js';

process.env.TZ = 'UTC';

const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');
const res = (rule: Rule, value: number, firing: boolean): RuleResult => ({ rule, level: rule.level, value, threshold: rule.threshold, firing });
const T = Date.UTC(2026, 10, 26, 8, 0, 0);
const warnTw = parseRule('TIME_WAIT > 100', 'warning');
const critCw = parseRule('CLOSE_WAIT:8080 > 2', 'critical');

/** n samples: TIME_WAIT fires at 0 and clears at 2, the port rule fires at 1 and holds. */
function alertsAfter(n: number): Alerts {
  const tr = new AlertTracker();
  let a: Alerts = { firing: [], log: [] };
  const seq: [number, number][] = [[150, 1], [160, 5], [90, 6], [95, 7]];
  for (let i = 0; i < n; i++) a = tr.step([res(warnTw, seq[i][0], seq[i][0] > 100), res(critCw, seq[i][1], seq[i][1] > 2)], T + i * 1000);
  return a;
}

const unmounts: (() => void)[] = [];
after(() => unmounts.forEach((u) => u()));

test('App: the header shows the firing rule; a opens the alerts view (newest first), Esc goes back', async () => {
  const script = new SnapshotScript({ seed: 3 });
  const store = new ScriptedStore({ ...script.next(), alerts: alertsAfter(3) });
  const r = render(<App store={store} host="box" os="Linux" services={script.services} initial={initialViewState({ intervalMs: 1000 })} onQuit={() => {}} />);
  unmounts.push(r.unmount);
  await sleep(50);
  const press = async (k: string) => { r.stdin.write(k); await sleep(50); };
  let f = strip(r.lastFrame());
  assert.match(f.split('\n')[0], / CRIT CLOSE_WAIT:8080 6 > 2 since 08:00:01$/);

  await press('a');
  f = strip(r.lastFrame());
  const lines = f.split('\n');
  assert.equal(lines[0], 'ALERTS  1 firing  3 events this run, newest first');
  assert.deepEqual(lines.slice(1, 4).map((l) => l.trim()), [
    '08:00:02  WARN  cleared  TIME_WAIT 90 > 100',
    '08:00:01  CRIT  fired    CLOSE_WAIT:8080 5 > 2',
    '08:00:00  WARN  fired    TIME_WAIT 150 > 100',
  ]);
  assert.match(lines[lines.length - 1], /^ alerts 1-3\/3 /);

  // a new event while the view is open: it comes first
  store.publish({ ...script.next(), alerts: alertsAfter(4) });
  await sleep(50);
  assert.match(strip(r.lastFrame()).split('\n')[1], /08:00:02 {2}WARN {2}cleared/, 'nothing new fired: the same list');

  await press('\x1b');
  await sleep(50);
  f = strip(r.lastFrame());
  assert.match(f, /ESTABLISHED/);
  assert.doesNotMatch(f, /^ALERTS/m);
});

const env = (log: number): KeyEnv => {
  const tr = new AlertTracker();
  let a: Alerts = { firing: [], log: [] };
  for (let i = 0; i < log; i++) a = tr.step([res(warnTw, 150, i % 2 === 0)], T + i * 1000);
  return { snap: snapshotOf([], { alerts: a }), page: 4, helpLines: 60, helpPage: 11 };
};

test('reducer: a opens and closes the view; j/k, PgDn, End scroll within the log; ? goes to help; q quits', () => {
  const e = env(30); // 30 events, 10 a page (helpPage 11 less the title)
  let s: ViewState = reduce(initialViewState({ intervalMs: 1000 }), { type: 'keys', keys: [{ name: 'a', text: 'a' }], env: e });
  assert.equal(s.alerts, true);
  const key = (name: string) => (s = reduce(s, { type: 'keys', keys: [{ name, text: name }], env: e }));
  key('k');
  assert.equal(s.alertsScroll, 0);
  key('j');
  assert.equal(s.alertsScroll, 1);
  key('pagedown');
  assert.equal(s.alertsScroll, 11);
  key('G');
  assert.equal(s.alertsScroll, 20);
  key('pagedown');
  assert.equal(s.alertsScroll, 20, 'the last page is the end');
  key('s'); // a main-view key does nothing here
  assert.equal(s.sortColumn, 1);
  key('a');
  assert.deepEqual([s.alerts, s.alertsScroll], [false, 0]);
  key('a');
  key('?');
  assert.deepEqual([s.alerts, s.help], [false, true]);
  key('a');
  assert.deepEqual([s.alerts, s.help], [true, false]);
  key('escape');
  assert.equal(s.alerts, false);
  key('a');
  key('q');
  assert.equal(s.quit, true);
});
