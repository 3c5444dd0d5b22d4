import { Box, Text } from 'ink';
import { BINDINGS } from '../keymap.js';
import { padRight, truncate } from '../format.js';
import { accent, useTheme } from '../theme.js';
import type { Prompt } from '../viewState.js';

export interface StatusLineProps {
  prompt: Prompt | null;
  /** Extra words for the context (drill-down, paused). */
  note: string;
  width: number;
}

const HINTS = BINDINGS.filter((b) => b.hint && b.contexts.includes('main'));

/** The bottom line: the most useful keys and "? help", or the filter prompt with its live error. */
export function StatusLine({ prompt, note, width }: StatusLineProps) {
  const theme = useTheme();
  if (prompt) {
    // two lines: what is typed (its end kept in view), then the live verdict at full width
    const label = 'filter> ';
    const room = Math.max(1, width - label.length - 1);
    const text = prompt.text.length > room ? (theme.ascii ? '~' : '…') + prompt.text.slice(-(room - 1)) : prompt.text;
    const status = prompt.error ? `✗ ${prompt.error}` : prompt.text.trim() ? '✓ Enter applies, Esc cancels' : '(empty: all sockets) Enter applies, Esc cancels';
    const st = theme.ascii ? status.replace('✗', 'x').replace('✓', 'ok') : status;
    return (
      <Box flexDirection="column">
        <Text wrap="truncate">
          <Text bold>{label + text}</Text>
          <Text inverse> </Text>
        </Text>
        <Text wrap="truncate" color={prompt.error ? accent(theme, 'alert') : accent(theme, 'dim')}>
          {truncate(st, width, theme.ascii)}
        </Text>
      </Box>
    );
  }
  const hints = HINTS.map((b) => `${b.label.split(/\s+/)[0]} ${b.hint}`).join(' ');
  return (
    <Text wrap="truncate">
      <Text inverse>{padRight(truncate(`${note ? `${note}  ` : ''}${hints}`, width, theme.ascii), width)}</Text>
    </Text>
  );
}
