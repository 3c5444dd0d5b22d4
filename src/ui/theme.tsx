/** Colours by state kind, and the ASCII / colour switches, handed down by context. */

import { createContext, useContext } from 'react';
import type { Level } from '../model/rules.js';
import type { StateKind } from '../model/states.js';

export interface Theme {
  color: boolean;
  ascii: boolean;
}

const KIND_COLORS: Record<StateKind, string> = {
  open: 'green',
  opening: 'cyan',
  closing: 'blue',
  waiting: 'yellow',
  trouble: 'red',
};

export const ThemeContext = createContext<Theme>({ color: true, ascii: false });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** A colour name for Ink's <Text color>, or undefined when colour is off (NO_COLOR, --no-color). */
export function kindColor(theme: Theme, kind: StateKind): string | undefined {
  return theme.color ? KIND_COLORS[kind] : undefined;
}

export function accent(theme: Theme, c: 'warn' | 'alert' | 'info' | 'dim'): string | undefined {
  if (!theme.color) return undefined;
  return { warn: 'yellow', alert: 'red', info: 'cyan', dim: 'gray' }[c];
}

/** An alert level's colour: yellow for a warning, red for critical (undefined when colour is off). */
export function levelColor(theme: Theme, level: Level): string | undefined {
  return accent(theme, level === 'critical' ? 'alert' : 'warn');
}
