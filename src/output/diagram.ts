/** `--once --diagram`: the TCP state diagram with one sample's counts, as text (a picture to paste). */

import type { Snapshot } from '../store/store.js';
import { largestPile, renderDiagram, type DiagramLine, type Tone } from '../ui/diagram.js';
import { ms, truncate } from '../ui/format.js';

export interface DiagramTextOptions {
  host: string;
  width: number;
  ascii: boolean;
  /** ANSI colours like the dashboard's (only on a terminal, never under NO_COLOR / --no-color). */
  color: boolean;
}

/** SGR colour of a tone: the dashboard's colours by state kind (theme.tsx), deltas red up / green down. */
const SGR: Record<Tone, string> = { open: '32', opening: '36', closing: '34', waiting: '33', trouble: '31', up: '31', down: '32', dim: '90' };

function styled(line: DiagramLine, color: boolean): string {
  if (!color) return line.map((s) => s.text).join('');
  return line.map((s) => {
    const codes = [s.bold ? '1' : '', s.tone ? SGR[s.tone] : ''].filter(Boolean);
    return codes.length ? `\x1b[${codes.join(';')}m${s.text}\x1b[0m` : s.text;
  }).join('');
}

export function formatDiagram(s: Snapshot, o: DiagramTextOptions): string {
  const t = s.tally;
  const head = [`tcptally  ${o.host}  ${new Date(s.time).toISOString()}  source ${s.source}  sample ${ms(s.sampleMs)}  sockets ${t.total}`];
  if (s.filter) head.push(`filter: ${s.filter}`);
  const mark = largestPile(t.states);
  const lines = renderDiagram({ counts: t.states, deltas: s.deltas, mark, width: o.width, height: Infinity, ascii: o.ascii });
  const out = [...head.map((h) => styled([{ text: truncate(h, o.width, o.ascii), bold: true }], o.color)), '', ...lines.map((l) => styled(l, o.color))];
  return `${out.join('\n')}\n`;
}
