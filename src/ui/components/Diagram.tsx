import { Box, Text } from 'ink';
import { useMemo, useRef } from 'react';
import type { Focus, Snapshot } from '../../store/store.js';
import { nextDeltas, renderDiagram, type DeltaMemo, type Tone } from '../diagram.js';
import { accent, kindColor, useTheme, type Theme } from '../theme.js';

export interface DiagramProps {
  /** Sockets per state code, and their change since the previous sample. */
  counts: readonly number[];
  deltas: readonly number[];
  /** The state whose box is marked and explained (0: none). */
  mark: number;
  width: number;
  height: number;
}

/** A tone's colour, as the bars colour the states and the deltas (none without colour). */
export function toneColor(theme: Theme, tone: Tone | undefined): string | undefined {
  if (!tone) return undefined;
  if (tone === 'up') return kindColor(theme, 'trouble');
  if (tone === 'down') return kindColor(theme, 'open');
  if (tone === 'dim') return accent(theme, 'dim');
  return kindColor(theme, tone);
}

/** The TCP state diagram with the live counts (see ui/diagram.ts), in `height` lines. */
export function Diagram({ counts, deltas, mark, width, height }: DiagramProps) {
  const theme = useTheme();
  const lines = useMemo(
    () => renderDiagram({ counts, deltas, mark, width, height, ascii: theme.ascii }),
    [counts, deltas, mark, width, height, theme.ascii],
  );
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l.length === 0 ? ' ' : l.map((s, j) => (
            <Text key={j} color={toneColor(theme, s.tone)} bold={s.bold}>
              {s.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

const NONE: readonly number[] = new Array<number>(12).fill(0);

/**
 * What the diagram counts: the snapshot's states (filtered; a namespace's drill-down is counted as that
 * namespace), or in a port's or a process's drill-down that row's states; and their change since the
 * previous sample — the sampler's deltas, or for a drill-down row, the change from the row the
 * previous sample had (zeros when the drill-down starts).
 */
export function useDiagramCounts(snap: Snapshot | null, focus: Focus | null): { counts: readonly number[]; deltas: readonly number[] } {
  const memo = useRef<DeltaMemo | null>(null);
  if (!snap) return { counts: NONE, deltas: NONE };
  if (!focus || 'netns' in focus) return { counts: snap.tally.states, deltas: snap.deltas };
  const t = snap.tally;
  const row = 'pid' in focus ? t.processes.find((p) => p.pid === focus.pid)
    : t.focusPort ?? t.ports.find((p) => p.port === focus.port && p.direction === focus.direction);
  const counts = row?.states ?? NONE;
  const key = 'pid' in focus ? `pid ${focus.pid}` : `port ${focus.port} ${focus.direction}`;
  // a ref written while rendering: the same (key, sample) gives the same result however often it runs
  memo.current = nextDeltas(memo.current, key, snap.seq, counts);
  return { counts, deltas: memo.current.deltas };
}
