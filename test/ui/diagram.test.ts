/**
 * src/ui/diagram.ts: the state diagram drawn from counts, as exact frames at the sizes the dashboard
 * gives it (80×24 and 120×40 terminals: 20 and 36 lines under the header and the status line), in
 * Unicode and ASCII; the marked box, the sentence from the state table, and properties over any counts.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { STATE_SLOTS, TCP, TCP_STATES } from '../../src/model/states.js';
import { COMPACT_LINES, FULL_LINES, largestPile, nextDeltas, plain, renderDiagram, sentence, type DiagramInput } from '../../src/ui/diagram.js';
import { textWidth } from '../../src/ui/format.js';

const slots = (o: Partial<Record<number, number>>) => Array.from({ length: STATE_SLOTS }, (_, c) => o[c] ?? 0);

// a service leaking CLOSE_WAIT, a TIME_WAIT storm draining, a few of everything on the opening path
const COUNTS = slots({ [TCP.ESTABLISHED]: 51, [TCP.SYN_SENT]: 2, [TCP.SYN_RECV]: 1, [TCP.FIN_WAIT2]: 23, [TCP.TIME_WAIT]: 412, [TCP.CLOSE_WAIT]: 5012, [TCP.LISTEN]: 3 });
const DELTAS = slots({ [TCP.CLOSE_WAIT]: 12, [TCP.TIME_WAIT]: -30, [TCP.ESTABLISHED]: 3 });

const draw = (o: Partial<DiagramInput>) =>
  renderDiagram({ counts: COUNTS, deltas: DELTAS, mark: TCP.CLOSE_WAIT, width: 80, height: 20, ascii: false, ...o });
const text = (o: Partial<DiagramInput>) => plain(draw(o)).join('\n');

const COMPACT_UNICODE = `
active opener / active closer                    passive opener / passive closer
  ┌──────────────────────│CLOSE         0    │───────────────┐
  ▼ connect()/SYN                                            ▼ listen()
│SYN_SENT   2│                                             │LISTEN        3    │
  │                                                          ▼ SYN
  │                                                        │SYN_RECV      1    │
  └────── SYN+ACK ──────▶│ESTABLISHED  51 ↑3 │◀───── ACK ────┘
  ┌───── close()/FIN ─────┘                 └───── FIN ──────┐
  ▼                                                          ▼
│FIN_WAIT1  0│─── FIN ──▶│CLOSING       0    │             ┃CLOSE_WAIT 5012 ↑12┃
  ▼ ACK                    ▼ ACK                             ▼ close()/FIN
│FIN_WAIT2 23│─── FIN ──▶│TIME_WAIT   412 ↓30│             │LAST_ACK      0    │
                           ▼ 2MSL                            ▼ ACK
                         CLOSED                            CLOSED
CLOSE_WAIT 5,012 ↑12: The peer closed; the local application has not called
  close() yet. Whose move: this box's application (close()).
`;

const COMPACT_ASCII = `
active opener / active closer                    passive opener / passive closer
  +----------------------|CLOSE         0    |---------------+
  v connect()/SYN                                            v listen()
|SYN_SENT   2|                                             |LISTEN        3    |
  |                                                          v SYN
  |                                                        |SYN_RECV      1    |
  +------ SYN+ACK ------>|ESTABLISHED  51 +3 |<----- ACK ----+
  +----- close()/FIN -----+                 +----- FIN ------+
  v                                                          v
|FIN_WAIT1  0|--- FIN -->|CLOSING       0    |             #CLOSE_WAIT 5012 +12#
  v ACK                    v ACK                             v close()/FIN
|FIN_WAIT2 23|--- FIN -->|TIME_WAIT   412 -30|             |LAST_ACK      0    |
                           v 2MSL                            v ACK
                         CLOSED                            CLOSED
CLOSE_WAIT 5,012 +12: The peer closed; the local application has not called
  close() yet. Whose move: this box's application (close()).
`;

const FULL_UNICODE = `
active opener / active closer                                           passive opener / passive closer
                                    ┌─────────────────────┐
  ┌─────────────────────────────────┤ CLOSE         0     ├───────────────────────┐
  │                                 └─────────────────────┘                       │
  ▼ connect()/SYN                                                                 ▼ listen()
┌──────────────┐                                                                ┌─────────────────────┐
│ SYN_SENT   2 │                                                                │ LISTEN        3     │
└─┬────────────┘                                                                └─┬───────────────────┘
  │                                                                               ▼ SYN
  │                                                                             ┌─────────────────────┐
  │                                                                             │ SYN_RECV      1     │
  │                                                                             └─┬───────────────────┘
  │                                                                               │
  │                                 ┌─────────────────────┐                       │
  └──────────── SYN+ACK ───────────▶│ ESTABLISHED  51 ↑3  │◀───────── ACK ────────┘
                                    └─┬─────────────────┬─┘
  ┌─────────── close()/FIN ───────────┘                 └────────── FIN ──────────┐
  ▼                                                                               ▼
┌──────────────┐                    ┌─────────────────────┐                     ┏━━━━━━━━━━━━━━━━━━━━━┓
│ FIN_WAIT1  0 ├─────── FIN ───────▶│ CLOSING       0     │                     ┃ CLOSE_WAIT 5012 ↑12 ┃
└─┬────────────┘                    └─┬───────────────────┘                     ┗━┳━━━━━━━━━━━━━━━━━━━┛
  ▼ ACK                               ▼ ACK                                       ▼ close()/FIN
┌──────────────┐                    ┌─────────────────────┐                     ┌─────────────────────┐
│ FIN_WAIT2 23 ├─────── FIN ───────▶│ TIME_WAIT   412 ↓30 │                     │ LAST_ACK      0     │
└──────────────┘                    └─┬───────────────────┘                     └─┬───────────────────┘
                                      ▼ 2MSL                                      ▼ ACK
                                    CLOSED                                      CLOSED
CLOSE_WAIT 5,012 ↑12: The peer closed; the local application has not called close() yet. Whose move: this box's
  application (close()).
`;

const FULL_ASCII = `
active opener / active closer                                           passive opener / passive closer
                                    +---------------------+
  +---------------------------------+ CLOSE         0     +-----------------------+
  |                                 +---------------------+                       |
  v connect()/SYN                                                                 v listen()
+--------------+                                                                +---------------------+
| SYN_SENT   2 |                                                                | LISTEN        3     |
+-+------------+                                                                +-+-------------------+
  |                                                                               v SYN
  |                                                                             +---------------------+
  |                                                                             | SYN_RECV      1     |
  |                                                                             +-+-------------------+
  |                                                                               |
  |                                 +---------------------+                       |
  +------------ SYN+ACK ----------->| ESTABLISHED  51 +3  |<--------- ACK --------+
                                    +-+-----------------+-+
  +----------- close()/FIN -----------+                 +---------- FIN ----------+
  v                                                                               v
+--------------+                    +---------------------+                     #=====================#
| FIN_WAIT1  0 +------- FIN ------->| CLOSING       0     |                     # CLOSE_WAIT 5012 +12 #
+-+------------+                    +-+-------------------+                     #=#===================#
  v ACK                               v ACK                                       v close()/FIN
+--------------+                    +---------------------+                     +---------------------+
| FIN_WAIT2 23 +------- FIN ------->| TIME_WAIT   412 -30 |                     | LAST_ACK      0     |
+--------------+                    +-+-------------------+                     +-+-------------------+
                                      v 2MSL                                      v ACK
                                    CLOSED                                      CLOSED
CLOSE_WAIT 5,012 +12: The peer closed; the local application has not called close() yet. Whose move: this box's
  application (close()).
`;

const frame = (s: string) => s.slice(1, -1);

test('80×24 (20 lines): the compact layout, every state once, the CLOSE_WAIT pile marked and explained', () => {
  assert.equal(text({ width: 80, height: 20 }), frame(COMPACT_UNICODE));
});

test('80×24 in ASCII: -> arrows (v down), | boxes, # for the marked box; nothing outside ASCII', () => {
  const t = text({ width: 80, height: 20, ascii: true });
  assert.equal(t, frame(COMPACT_ASCII));
  assert.match(t, /^[\x20-\x7e\n]*$/);
});

test('120×40 (36 lines): the full layout with +/| boxes drawn in box glyphs, the marked one heavy', () => {
  assert.equal(text({ width: 120, height: 36 }), frame(FULL_UNICODE));
});

test('120×40 in ASCII: + and | boxes, ->, <-, v; the marked box in # and =', () => {
  const t = text({ width: 120, height: 36, ascii: true });
  assert.equal(t, frame(FULL_ASCII));
  assert.match(t, /^[\x20-\x7e\n]*$/);
});

test('the marked box is the only heavy one, bold, in its kind; a rising delta is "up", a falling one "down"', () => {
  for (const mark of [TCP.CLOSE_WAIT, TCP.TIME_WAIT, TCP.SYN_SENT]) {
    for (const [width, height] of [[80, 20], [120, 36]]) {
      const lines = draw({ mark, width, height });
      const t = plain(lines).join('\n');
      const name = TCP_STATES[mark - 1].name;
      const heavy = width === 80 ? new RegExp(`┃${name} +\\d+[^┃]*┃`) : new RegExp(`┃ ${name} +\\d+[^┃]*┃`);
      assert.match(t, heavy, `${name} at ${width}`);
      assert.equal((t.match(/┃[A-Z_0-9]+ /g) ?? []).length + (t.match(/┃ [A-Z_0-9]+ /g) ?? []).length, 1, 'one heavy box');
      const seg = lines.flat().find((s) => s.text.trim() === name && s.bold);
      assert.ok(seg, `${name} is bold`);
      assert.equal(seg.tone, TCP_STATES[mark - 1].kind);
    }
  }
  const segs = draw({ width: 120, height: 36 }).flat();
  assert.equal(segs.find((s) => s.text.includes('↑12'))?.tone, 'up');
  assert.equal(segs.find((s) => s.text.includes('↓30'))?.tone, 'down');
  assert.equal(segs.find((s) => s.text.includes('↑3'))?.tone, 'up');
});

test('the sentence: the marked state, its count and change, then its meaning and whose move it is, from the state table', () => {
  assert.equal(
    sentence(TCP.CLOSE_WAIT, 5012, 12, false),
    "CLOSE_WAIT 5,012 ↑12: The peer closed; the local application has not called close() yet. Whose move: this box's application (close()).",
  );
  assert.equal(sentence(TCP.TIME_WAIT, 9, 0, true), 'TIME_WAIT 9: This side closed first; the 4-tuple is held for 2MSL (60 s on Linux). Whose move: nobody (the kernel frees it after 2MSL).');
  for (const s of TCP_STATES) {
    const said = sentence(s.code, 7, -2, false);
    assert.ok(said.startsWith(`${s.name} 7 ↓2: `) && said.includes(s.meaning) && said.endsWith(`Whose move: ${s.next}`), s.name);
  }
  // nothing counted: no box is marked, and the line says so
  const t = text({ counts: slots({}), deltas: slots({}), mark: 0 });
  assert.doesNotMatch(t, /┃/);
  assert.match(t, /\nNo sockets\.$/);
});

test('the largest pile is marked; a tie goes to the more alarming state', () => {
  assert.equal(largestPile(COUNTS), TCP.CLOSE_WAIT);
  assert.equal(largestPile(slots({ [TCP.ESTABLISHED]: 9, [TCP.TIME_WAIT]: 4 })), TCP.ESTABLISHED);
  // a CLOSE_WAIT pile on loopback has as many FIN_WAIT2 peers: CLOSE_WAIT is the one to explain
  assert.equal(largestPile(slots({ [TCP.FIN_WAIT2]: 30, [TCP.CLOSE_WAIT]: 30 })), TCP.CLOSE_WAIT);
  assert.equal(largestPile(slots({ [TCP.ESTABLISHED]: 30, [TCP.TIME_WAIT]: 30 })), TCP.TIME_WAIT);
  assert.equal(largestPile(slots({})), 0);
});

test('short of lines: the title goes first, then the bottom; the sentence stays; a drill-down (18 lines) still fits whole', () => {
  const whole = plain(draw({ height: 20 }));
  assert.equal(whole.length, COMPACT_LINES + 2);
  assert.deepEqual(plain(draw({ height: 18 })), whole, '80×24 in a drill-down: the same picture');
  const cut = plain(draw({ height: 12, width: 64 }));
  assert.equal(cut.length, 12);
  assert.doesNotMatch(cut[0], /active opener/);
  assert.match(cut[cut.length - 2], /^CLOSE_WAIT 5,012 ↑12: /);
  // the full layout needs its lines and the sentence's
  assert.match(plain(draw({ width: 120, height: FULL_LINES + 2 }))[2], /┤ CLOSE/);
  assert.doesNotMatch(plain(draw({ width: 120, height: FULL_LINES + 1 })).join('\n'), /┤ CLOSE/);
});

test('any counts, any size: within the width and the height, every state in one box with its count, the sentence last', () => {
  const count = fc.oneof(fc.nat(20), fc.nat(99_999), fc.nat(50_000_000));
  fc.assert(
    fc.property(
      fc.array(count, { minLength: 11, maxLength: 11 }),
      fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: 11, maxLength: 11 }),
      fc.integer({ min: 64, max: 220 }),
      fc.integer({ min: 16, max: 80 }),
      fc.boolean(),
      (cs, ds, width, height, ascii) => {
        const counts = [0, ...cs], deltas = [0, ...ds];
        const mark = largestPile(counts);
        const lines = plain(renderDiagram({ counts, deltas, mark, width, height, ascii }));
        assert.ok(lines.length <= height);
        for (const l of lines) assert.ok(textWidth(l) <= width, `${textWidth(l)} > ${width}: ${l}`);
        // from 80 columns every box is whole, whatever the counts (below, a wide count may push the right side off)
        if (height < COMPACT_LINES + 2 || width < 80) return;
        const t = lines.join('\n');
        for (const s of TCP_STATES) {
          const n = counts[s.code];
          const shown = n < 1_000_000 ? String(n) : null;
          const boxes = t.match(new RegExp(`[│┃|#┤┫+] ?${s.name} +([0-9.]+[MG]?)`, 'g')) ?? [];
          assert.equal(boxes.length, 1, `${s.name} once: ${boxes}`);
          if (shown) assert.match(boxes[0], new RegExp(` ${shown}$`));
        }
        if (mark) assert.ok(lines.some((l) => l.startsWith(`${TCP_STATES[mark - 1].name} `)));
      },
    ),
    { numRuns: 300 },
  );
});

test('changes of a drill-down row: from the previous sample of the same subject; a new subject or a re-count keeps zeros / its changes', () => {
  const a = nextDeltas(null, 'port 80 in', 5, slots({ [TCP.CLOSE_WAIT]: 7 }));
  assert.deepEqual(a.deltas, slots({}));
  const b = nextDeltas(a, 'port 80 in', 6, slots({ [TCP.CLOSE_WAIT]: 9, [TCP.ESTABLISHED]: 1 }));
  assert.deepEqual(b.deltas, slots({ [TCP.CLOSE_WAIT]: 2, [TCP.ESTABLISHED]: 1 }));
  assert.deepEqual(nextDeltas(b, 'port 80 in', 6, slots({ [TCP.CLOSE_WAIT]: 9, [TCP.ESTABLISHED]: 1 })).deltas, b.deltas, 'the same sample again');
  assert.deepEqual(nextDeltas(b, 'port 443 in', 7, slots({ [TCP.CLOSE_WAIT]: 1 })).deltas, slots({}), 'another port starts at zeros');
});
