import { Box, Text } from 'ink';
import { filterVocabulary } from '../../model/filter.js';
import { TCP_STATES, type StateKind } from '../../model/states.js';
import { BINDINGS } from '../keymap.js';
import { asciiText, padRight, wrap } from '../format.js';
import { kindColor, useTheme } from '../theme.js';

export interface HelpLine {
  text: string;
  /** Coloured like the state's bar. */
  kind?: StateKind;
  bold?: boolean;
}

const KEY_COL = 11;
const STATE_COL = 13;

/**
 * Every line of the help screen at a width, wrapped (nothing is cut): the keymap table, the eleven
 * states with what a pile of each means, and the filter words the parser knows. Built from those
 * tables, so it cannot disagree with them.
 */
export function helpLines(width: number, ascii: boolean): HelpLine[] {
  const w = Math.max(20, width);
  const lines: HelpLine[] = [{ text: 'KEYS', bold: true }];
  const seen = new Set<string>();
  for (const b of BINDINGS) {
    const key = `${b.label} ${b.help}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = b.contexts.length === 1 && b.contexts[0] === 'prompt' ? ' (filter prompt)' : '';
    for (const text of wrap(`  ${padRight(b.label, KEY_COL - 3)} `, b.help + where, w)) lines.push({ text });
  }
  lines.push({ text: '' }, { text: 'TCP STATES   what it is / what a pile of them means', bold: true });
  for (const s of TCP_STATES) {
    for (const text of wrap(`  ${padRight(s.name, STATE_COL - 3)} `, s.meaning, w)) lines.push({ text, kind: s.kind });
    for (const text of wrap(`${' '.repeat(STATE_COL)}→ `, s.hint, w)) lines.push({ text });
    for (const text of wrap(`${' '.repeat(STATE_COL)}whose move: `, s.next, w)) lines.push({ text });
  }
  lines.push({ text: '' }, { text: 'FILTER   ss syntax, e.g. "tw and dport = 5432"', bold: true });
  for (const v of filterVocabulary()) {
    for (const text of wrap(`  ${padRight(v.what, KEY_COL - 3)} `, v.words.join(' '), w)) lines.push({ text });
  }
  return ascii ? lines.map((l) => ({ ...l, text: asciiText(l.text) })) : lines;
}

export interface HelpProps {
  lines: readonly HelpLine[];
  scroll: number;
  /** Lines for the whole screen: the text takes all but the last, the status line. */
  height: number;
  width: number;
}

/** The help screen: a page of the help text, scrolled by the keys, and a status line. */
export function Help({ lines, scroll, height, width }: HelpProps) {
  const theme = useTheme();
  const page = Math.max(1, height - 1);
  const body = lines.slice(scroll, scroll + page);
  const status = ` help ${scroll + 1}-${Math.min(lines.length, scroll + page)}/${lines.length}  j/k PgUp/PgDn scroll  Esc or ? close  q quit`;
  return (
    <Box flexDirection="column">
      {body.map((l, i) => (
        <Text key={i} wrap="truncate" color={l.kind ? kindColor(theme, l.kind) : undefined} bold={l.bold}>
          {l.text}
        </Text>
      ))}
      <Text inverse wrap="truncate">
        {padRight(status, width)}
      </Text>
    </Box>
  );
}
