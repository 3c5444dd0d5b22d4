/** The sampler's side of alerts: rules evaluated on every sample, over the whole tally; conntrack read each sample. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../../src/model/filter.js';
import { parseRule } from '../../src/model/rules.js';
import type { SocketRecord } from '../../src/model/table.js';
import { withDefaults } from '../../src/output/check.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { readConntrack } from '../../src/sources/conntrack.js';
import { FakeSource, inbound, listener, sockets } from '../helpers/fakeSource.js';

/** A busy port 80 (10 ESTABLISHED in) and a quiet 9000 with `cw` CLOSE_WAIT: with top 1 only 80 is listed. */
const frame = (cw: number, tw = 0): SocketRecord[] => [
  listener(80),
  ...Array.from({ length: 10 }, (_, i) => inbound(80, 1, '127.0.0.3', 50000 + i)),
  listener(9000),
  ...Array.from({ length: cw }, (_, i) => inbound(9000, 8, '127.0.0.4', 51000 + i)),
  ...sockets(tw, 6, 443),
];

test('a STATE:PORT rule fires on a port the cut left out of the list; it clears when the pile goes', async () => {
  let clock = 0;
  const s = new Sampler(new FakeSource([frame(3), frame(3), frame(1)]), {
    query: { intervalMs: 1000, top: 1 },
    rules: [parseRule('CLOSE_WAIT:9000 > 2', 'warning')],
    now: () => (clock += 1000),
  });
  const a = await s.sample();
  assert.deepEqual(a.tally.ports.map((p) => p.port), [80], 'the list is cut to the busiest port');
  assert.deepEqual(a.alerts.firing.map((f) => [f.label, f.value, f.since]), [['CLOSE_WAIT:9000', 3, 1000]]);
  const b = await s.sample();
  assert.equal(b.alerts.firing[0].since, 1000);
  const c = await s.sample();
  assert.deepEqual(c.alerts.firing, []);
  assert.deepEqual(c.alerts.log.map((e) => [e.kind, e.time, e.value]), [['fired', 1000, 3], ['cleared', 3000, 1]]);
});

test('a rate rule fires from the second sample on (it needs the one before); a new filter restarts it', async () => {
  let clock = 0;
  const s = new Sampler(new FakeSource([frame(0, 0), frame(0, 5), frame(0, 10), frame(0, 15)]), {
    query: { intervalMs: 1000 },
    rules: [parseRule('rate(TIME_WAIT) > 2', 'critical')],
    now: () => (clock += 1000),
  });
  assert.deepEqual((await s.sample()).alerts.firing, []);
  const b = await s.sample();
  assert.deepEqual(b.alerts.firing.map((f) => [f.level, f.value, f.unit]), [['critical', 5, '/s']]);
  // a filter that counts other sockets: no rate across the change (the next sample has nothing before it)
  s.setQuery({ filterText: 'state time-wait', filter: parseFilter('state time-wait') });
  const c = await s.sample();
  assert.deepEqual(c.alerts.firing, [], 'no rate across a change of what is counted');
  const d = await s.sample();
  assert.equal(d.alerts.firing[0]?.value, 5);
});

test('conntrack is read each sample into the snapshot; the default fills warn above 80 %', async () => {
  const fills = [{ count: 500, max: 1000 }, { count: 850, max: 1000 }, { count: 950, max: 1000 }];
  let i = 0;
  let clock = 0;
  const s = new Sampler(new FakeSource([frame(0)]), {
    query: { intervalMs: 1000 },
    rules: withDefaults([]),
    readConntrack: () => fills[i++],
    now: () => (clock += 1000),
  });
  const a = await s.sample();
  assert.deepEqual(a.conntrack, { count: 500, max: 1000 });
  assert.deepEqual(a.alerts.firing, []);
  const b = await s.sample();
  assert.deepEqual(b.conntrack, { count: 850, max: 1000 });
  assert.deepEqual(b.alerts.firing.map((f) => [f.level, f.label, f.value, f.unit]), [['warning', 'conntrack', 85, '%']]);
  const c = await s.sample();
  assert.deepEqual(c.alerts.firing.map((f) => f.level), ['critical', 'warning']);
});

test('without nf_conntrack (its files absent): conntrack is null, no alert, no error', async () => {
  const s = new Sampler(new FakeSource([frame(0)]), {
    query: { intervalMs: 1000 },
    rules: withDefaults([parseRule('conntrack > 0', 'critical')]),
    readConntrack: () => readConntrack('/nonexistent/tcptally-alerts'),
  });
  const a = await s.sample();
  assert.equal(a.conntrack, null);
  assert.deepEqual(a.alerts, { firing: [], log: [] });
});
