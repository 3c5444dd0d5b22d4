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

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

/**
 * Key names of one chunk of input. Ink hands a burst of keys (fast typing, a paste, tmux send-keys)
 * to useInput as one string: split it into keys, so "ss" sorts twice and "/tw" opens the prompt and
 * types "tw".
 */
export function keyNames(input: string, key: Key): { name: string; text: string }[] {
  const special = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown ||
    key.home || key.end || key.escape || key.ctrl || key.meta;
  if (special || input.length <= 1) return [{ name: keyName(input, key), text: input }];
  const out: { name: string; text: string }[] = [];
  for (const ch of input) {
    const k: Key = { ...NO_KEY, tab: ch === '\t', return: ch === '\r' || ch === '\n', delete: ch === '\x7f', backspace: ch === '\b' };
    out.push({ name: keyName(ch, k), text: ch });
  }
  return out;
}
