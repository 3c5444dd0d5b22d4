/** Ink's (input, key) pair → one key name: "q", "S", "?", "up", "pagedown", "enter", "ctrl+c", ... */

import type { Key } from 'ink';

export function keyName(input: string, key: Key): string {
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  // terminals send DEL (0x7f) for the backspace key; Ink reports it as delete
  if (key.backspace || key.delete) return 'backspace';
  if (input === ' ') return 'space';
  return input;
}
