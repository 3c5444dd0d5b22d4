/** The header's replay marker: the recorded time (local time: TZ), the speed, playing or paused, the position. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayMarker } from '../../../src/ui/components/Header.js';

process.env.TZ = 'UTC';
const T = Date.UTC(2026, 10, 26, 7, 41, 3, 250);

test('REPLAY time ×speed ▶/⏸ position; tenths only for a recording sampled more often than every second', () => {
  assert.equal(replayMarker({ index: 11, count: 340, speed: 4, playing: true }, T, false), 'REPLAY 2026-11-26 07:41:03 ×4 ▶ 12/340');
  assert.equal(replayMarker({ index: 0, count: 2, speed: 0.25, playing: false }, T, false, 200), 'REPLAY 2026-11-26 07:41:03.2 ×0.25 ⏸ 1/2');
  assert.equal(replayMarker({ index: 0, count: 2, speed: 64, playing: false }, T, true), 'REPLAY 2026-11-26 07:41:03 x64 || 1/2');
  assert.equal(replayMarker({ index: 1, count: 2, speed: 1, playing: true }, T, true), 'REPLAY 2026-11-26 07:41:03 x1 > 2/2');
});
