import { Box, Text } from 'ink';
import { TCP_STATES } from '../../model/states.js';
import { BINDINGS } from '../keymap.js';
import { padRight, truncate } from '../format.js';
import { kindColor, useTheme } from '../theme.js';

export interface HelpProps {
  scroll: number;
  height: number;
  width: number;
}

interface Line {
  text: string;
  color?: string;
  bold?: boolean;
}

/** Every line of the help screen: the keymap table, then the eleven states with their triage hints. */
export function helpLines(width: number, color: (kind: (typeof TCP_STATES)[number]['kind']) => string | undefined): Line[] {
  const lines: Line[] = [{ text: 'KEYS', bold: true }];
  const seen = new Set<string>();
  for (const b of BINDINGS) {
    const key = `${b.label} ${b.help}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = b.contexts.length === 1 && b.contexts[0] === 'prompt' ? ' (filter prompt)' : '';
    lines.push({ text: `  ${padRight(b.label, 10)} ${b.help}${where}` });
  }
  lines.push({ text: '' }, { text: 'TCP STATES   what it is / what a pile of them means', bold: true });
  for (const s of TCP_STATES) {
    lines.push({ text: `  ${padRight(s.name, 12)} ${s.meaning}`, color: color(s.kind) });
    lines.push({ text: `  ${' '.repeat(12)} → ${s.hint}` });
  }
  lines.push({ text: '' }, { text: 'FILTER   ss words: estab tw cw syn-recv listen ...; sport/dport/port [= != < >] N;', bold: false });
  lines.push({ text: '         src/dst/addr ADDR[/PREFIX]; v4 v6; and or not ( )' });
  return lines.map((l) => ({ ...l, text: truncate(l.text, width) }));
}

/** The help screen, scrolled by j/k; it lists what the keymap table holds, nothing hand-written twice. */
export function Help({ scroll, height, width }: HelpProps) {
  const theme = useTheme();
  const lines = helpLines(width, (k) => kindColor(theme, k));
  const body = lines.slice(scroll, scroll + height - 1);
  const ascii = theme.ascii;
  return (
    <Box flexDirection="column">
      {body.map((l, i) => (
        <Text key={i} wrap="truncate" color={l.color} bold={l.bold}>
          {ascii ? l.text.replace(/→/g, '->').replace(/⇄/g, '<>').replace(/[←↑↓]/g, (c) => ({ '←': '<-', '↑': 'up', '↓': 'dn' })[c] ?? c) : l.text}
        </Text>
      ))}
      <Text inverse wrap="truncate">
        {padRight(` help ${scroll + 1}-${Math.min(lines.length, scroll + height - 1)}/${lines.length}  j/k scroll  Esc or ? close  q quit`, width)}
      </Text>
    </Box>
  );
}
