/**
 * The dashboard's view state and its reducer: pure, so every key's effect is a unit test.
 * What the sampler must know (filter, sort, drill-down, interval) is derived from this state by App.
 */

import { FilterError, parseFilter, type FilterNode } from '../model/filter.js';
import { KEY_STATE_COLUMNS } from '../model/states.js';
import type { Direction, SortKey } from '../model/tally.js';
import { clampInterval } from '../sampler/sampler.js';
import { actionFor, type ActionId, type Context } from './keymap.js';

/** The table: service ports, remote hosts, or remote host:port. */
export type Pane = 'ports' | 'peers' | 'peerPorts';

/** Sortable columns of the tables, in display order. */
export const SORT_COLUMNS: readonly { key: SortKey; header: string }[] = [
  { key: 'key', header: 'KEY' },
  { key: 'total', header: 'TOTAL' },
  ...KEY_STATE_COLUMNS.map((c) => ({ key: c.code as SortKey, header: c.header })),
];

export const INTERVAL_STEPS_MS = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export interface ViewState {
  pane: Pane;
  /** Index into SORT_COLUMNS. */
  sortColumn: number;
  ascending: boolean;
  selected: number;
  paused: boolean;
  help: boolean;
  helpScroll: number;
  /** The filter prompt, when open: what is typed and its parse error (validated as you type). */
  prompt: { text: string; error: string | null } | null;
  filterText: string | null;
  filter: FilterNode | null;
  focus: { port: number; direction: Direction } | null;
  /** Series the trend shows: 0 = all sockets, else a state code. */
  trend: number;
  hideZero: boolean;
  intervalMs: number;
  quit: boolean;
}

export function initialViewState(opts: { intervalMs: number; filterText?: string | null; filter?: FilterNode | null }): ViewState {
  return {
    pane: 'ports',
    sortColumn: 1,
    ascending: false,
    selected: 0,
    paused: false,
    help: false,
    helpScroll: 0,
    prompt: null,
    filterText: opts.filter ? opts.filterText ?? null : null,
    filter: opts.filter ?? null,
    focus: null,
    trend: 6, // TIME_WAIT
    hideZero: false,
    intervalMs: opts.intervalMs,
    quit: false,
  };
}

export type ViewAction =
  | { type: ActionId }
  | { type: 'type'; text: string }
  /** A key as keyName() names it, with its text: mapped through the keymap table for the current context. */
  | { type: 'key'; name: string; text: string };

export interface ViewContext {
  /** Rows in the table that state `s` shows (functions of the state: a burst of keys changes it as it goes). */
  rowCount(s: ViewState): number;
  /** Visible rows of the table (a page). */
  page: number;
  /** The port row under the selection of state `s`, for drill-down. */
  portAt(s: ViewState): { port: number; direction: Direction } | null;
  /** Lines the help screen has beyond one page (its scroll limit). */
  helpMax: number;
  resolvePort?: (name: string) => number | undefined;
}

function validate(text: string, ctx: ViewContext): { node: FilterNode | null; error: string | null } {
  try {
    return { node: parseFilter(text, { resolvePort: ctx.resolvePort }), error: null };
  } catch (e) {
    if (e instanceof FilterError) return { node: null, error: e.short };
    throw e;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

export function contextOf(s: ViewState): Context {
  return s.help ? 'help' : s.prompt ? 'prompt' : 'main';
}

export function reduce(s: ViewState, a: ViewAction, ctx: ViewContext): ViewState {
  if (a.type === 'key') {
    const context = contextOf(s);
    const action = actionFor(context, a.name);
    if (action) return reduce(s, { type: action }, ctx);
    if (context === 'prompt' && a.text && !a.name.startsWith('ctrl+')) return reduce(s, { type: 'type', text: a.text }, ctx);
    return s;
  }
  const last = Math.max(0, ctx.rowCount(s) - 1);
  const page = Math.max(1, ctx.page);
  if (s.help) {
    switch (a.type) {
      case 'quit': return { ...s, quit: true };
      case 'help': case 'escape': return { ...s, help: false, helpScroll: 0 };
      case 'up': return { ...s, helpScroll: Math.max(0, s.helpScroll - 1) };
      case 'down': return { ...s, helpScroll: clamp(s.helpScroll + 1, 0, ctx.helpMax) };
      case 'pageUp': return { ...s, helpScroll: Math.max(0, s.helpScroll - page) };
      case 'pageDown': return { ...s, helpScroll: clamp(s.helpScroll + page, 0, ctx.helpMax) };
      case 'home': return { ...s, helpScroll: 0 };
      case 'end': return { ...s, helpScroll: ctx.helpMax };
      default: return s;
    }
  }
  if (s.prompt) {
    switch (a.type) {
      case 'quit': return { ...s, quit: true };
      case 'type': {
        const text = s.prompt.text + a.text.replace(/[\r\n\t\x00-\x1f\x7f]/g, '');
        return { ...s, prompt: { text, error: validate(text, ctx).error } };
      }
      case 'promptBackspace': {
        const text = s.prompt.text.slice(0, -1);
        return { ...s, prompt: { text, error: validate(text, ctx).error } };
      }
      case 'promptCancel': return { ...s, prompt: null };
      case 'promptSubmit': {
        const { node, error } = validate(s.prompt.text, ctx);
        if (error) return { ...s, prompt: { ...s.prompt, error } }; // nothing typed is lost
        const text = s.prompt.text.trim();
        return { ...s, prompt: null, filter: node, filterText: node ? text : null, selected: 0 };
      }
      default: return s;
    }
  }
  switch (a.type) {
    case 'quit': return { ...s, quit: true };
    case 'help': return { ...s, help: true, helpScroll: 0 };
    case 'filter': {
      const text = s.filterText ?? '';
      return { ...s, prompt: { text, error: null } };
    }
    case 'escape':
      if (s.focus) return { ...s, focus: null, pane: 'ports', selected: 0 };
      if (s.filterText) return { ...s, filter: null, filterText: null, selected: 0 };
      return s;
    case 'sortNext': return { ...s, sortColumn: (s.sortColumn + 1) % SORT_COLUMNS.length, selected: 0 };
    case 'sortPrev': return { ...s, sortColumn: (s.sortColumn + SORT_COLUMNS.length - 1) % SORT_COLUMNS.length, selected: 0 };
    case 'sortReverse': return { ...s, ascending: !s.ascending, selected: 0 };
    case 'togglePane': {
      // ports → hosts → host:port → ports; in a drill-down, hosts ⇄ host:port of that one port
      const next: Pane = s.focus
        ? s.pane === 'peers' ? 'peerPorts' : 'peers'
        : s.pane === 'ports' ? 'peers' : s.pane === 'peers' ? 'peerPorts' : 'ports';
      return { ...s, pane: next, selected: 0 };
    }
    case 'up': return { ...s, selected: clamp(s.selected - 1, 0, last) };
    case 'down': return { ...s, selected: clamp(s.selected + 1, 0, last) };
    case 'pageUp': return { ...s, selected: clamp(s.selected - page, 0, last) };
    case 'pageDown': return { ...s, selected: clamp(s.selected + page, 0, last) };
    case 'home': return { ...s, selected: 0 };
    case 'end': return { ...s, selected: last };
    case 'drill':
    {
      const port = s.pane === 'ports' && !s.focus ? ctx.portAt(s) : null;
      return port ? { ...s, focus: port, pane: 'peers', selected: 0 } : s;
    }
    case 'pause': return { ...s, paused: !s.paused };
    case 'faster': return { ...s, intervalMs: stepInterval(s.intervalMs, -1) };
    case 'slower': return { ...s, intervalMs: stepInterval(s.intervalMs, +1) };
    case 'trend': {
      const key = SORT_COLUMNS[s.sortColumn].key;
      return { ...s, trend: typeof key === 'number' ? key : 0 };
    }
    case 'hideZero': return { ...s, hideZero: !s.hideZero };
    default: return s;
  }
}

/** The next step up or down the interval ladder from any current value. */
export function stepInterval(ms: number, dir: 1 | -1): number {
  if (dir > 0) return clampInterval(INTERVAL_STEPS_MS.find((x) => x > ms) ?? ms);
  const lower = [...INTERVAL_STEPS_MS].reverse().find((x) => x < ms);
  return clampInterval(lower ?? ms);
}
