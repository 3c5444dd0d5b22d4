/**
 * The dashboard's view state and its reducer: pure — every action carries the data it acts on (the
 * snapshot on screen, the page size), so every key's effect is a unit test. What the store must know
 * (filter, sort, drill-down, interval, trend) is derived from this state by App.
 */

import { FilterError, MAX_FILTER_LENGTH, parseFilter, usesOwners, type FilterNode } from '../model/filter.js';
import { TOTAL_SERIES } from '../model/history.js';
import type { ListenerRow } from '../model/listeners.js';
import { KEY_STATE_COLUMNS, TCP } from '../model/states.js';
import { compareRows, peerKeyCmp, portKeyCmp, processKeyCmp, type NamespaceRow, type PeerRow, type PortRow, type ProcessRow, type SortKey } from '../model/tally.js';
import { clampInterval, MAX_SPEED, MIN_SPEED, type Focus, type Snapshot } from '../store/store.js';
import { actionFor, type ActionId, type Context } from './keymap.js';

/** The table: service ports, remote hosts, remote host:port, processes, listeners, network namespaces, or ephemeral-port headroom. */
export type Pane = 'ports' | 'peers' | 'peerPorts' | 'processes' | 'listeners' | 'namespaces' | 'headroom';
export type Row = PortRow | PeerRow | ProcessRow | NamespaceRow | ListenerRow;

/** Sortable columns of the tables, in display order. */
export const SORT_COLUMNS: readonly { key: SortKey; header: string }[] = [
  { key: 'key', header: 'KEY' },
  { key: 'total', header: 'TOTAL' },
  ...KEY_STATE_COLUMNS.map((c) => ({ key: c.code as SortKey, header: c.header })),
];

const INTERVAL_STEPS_MS = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

export interface Prompt {
  text: string;
  error: string | null;
  /** More was typed or pasted than the prompt keeps. */
  full: boolean;
}

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
  prompt: Prompt | null;
  filterText: string | null;
  filter: FilterNode | null;
  focus: Focus | null;
  /** Where Esc leaves the drill-down to: the table, row and focus Enter was pressed on. */
  returnTo: { pane: Pane; selected: number; focus: Focus | null } | null;
  /** Series the trend shows: 0 = all sockets, else a state code. */
  trend: number;
  hideZero: boolean;
  intervalMs: number;
  /** Every network namespace on the box, not only ours. */
  allNetns: boolean;
  /** The alerts view (key a) is open, scrolled this many events from the newest. */
  alerts: boolean;
  alertsScroll: number;
  /** The state diagram in place of the tables (the d key). */
  diagram: boolean;
  /** The trend's state was chosen with t (the diagram marks it, not the largest pile). */
  trendSet: boolean;
  /** A replay's speed (×) and its moves as running sums (`paused` is the replay's pause). */
  speed: number;
  steps: number;
  seekMs: number;
  quit: boolean;
  /** Esc with nothing left to leave, where there is a view to go back to (a fleet's host: the fleet). */
  back?: boolean;
}

export function initialViewState(opts: { intervalMs: number; filterText?: string | null; filter?: FilterNode | null; allNetns?: boolean }): ViewState {
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
    returnTo: null,
    trend: TCP.TIME_WAIT,
    hideZero: false,
    intervalMs: opts.intervalMs,
    allNetns: opts.allNetns ?? false,
    alerts: false,
    alertsScroll: 0,
    diagram: false,
    trendSet: false,
    speed: 1,
    steps: 0,
    seekMs: 0,
    quit: false,
  };
}

/** One key as keyNames() gives it: its name in the keymap and the text it types. */
export interface KeyPress {
  name: string;
  text: string;
}

/** What the keys act on, as data taken when they arrived: the reducer reads nothing else. */
export interface KeyEnv {
  /** The snapshot on screen (null before the first sample): its lists are the table's rows. */
  snap: Snapshot | null;
  /** Data rows the table shows (one page). */
  page: number;
  /** Lines of the help text, and lines one help page shows. */
  helpLines: number;
  helpPage: number;
  resolvePort?: (name: string) => number | undefined;
  /** Owners are looked up (false: --no-owners, or a source without inodes): owner filter words are refused. */
  owners?: boolean;
  /** There is a view to go back to when Esc has nothing else to leave (the fleet). */
  canGoBack?: boolean;
  /** The snapshots are a replayed recording: the replay keys apply; filter, drill-down, interval and n do not. */
  replay?: boolean;
}

/** What the filter prompt says in a replay: a recording holds counts, not the sockets a filter would re-count. */
export const NO_FILTER_IN_REPLAY = 'filter not available in replay (a recording holds counts, not sockets)';
/** Main-view actions a replay cannot do: they re-count or re-read sockets. */
const NOT_IN_REPLAY: ReadonlySet<ActionId> = new Set(['drill', 'faster', 'slower', 'allNetns']);
/** Seek step of [ and ], in ms of recorded time. */
export const SEEK_MS = 60_000;

export type ViewAction =
  /** A burst of keys (fast typing, a paste): mapped through the keymap in the context each key finds. */
  | { type: 'keys'; keys: readonly KeyPress[]; env: KeyEnv }
  /** One action by its id, as if its key was pressed. */
  | { type: 'action'; id: ActionId; env: KeyEnv };

/** The prompt keeps at most this many characters (a longer filter is refused by the parser anyway). */
export const PROMPT_MAX = MAX_FILTER_LENGTH;

function validate(text: string, env: KeyEnv): { node: FilterNode | null; error: string | null } {
  if (env.replay) return { node: null, error: NO_FILTER_IN_REPLAY };
  try {
    const node = parseFilter(text, { resolvePort: env.resolvePort });
    if (env.owners === false && usesOwners(node)) return { node: null, error: 'pid, comm, user and container need owners (off: --no-owners)' };
    return { node, error: null };
  } catch (e) {
    if (e instanceof FilterError) return { node: null, error: e.short };
    throw e;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

function contextOf(s: ViewState): Context {
  return s.help || s.alerts ? 'help' : s.prompt ? 'prompt' : 'main';
}

/** The rows the table of state `s` shows, in its sort order (the snapshot's lists, re-sorted only when the view's sort differs). */
type CountedRow = Exclude<Row, ListenerRow>;

export function paneRows(snap: Snapshot | null, pane: Pane, sortColumn: number, ascending: boolean): { rows: readonly Row[]; total: number } {
  // the headroom pane's rows are not counts per state (HeadroomPane draws snap.headroom)
  if (!snap || pane === 'headroom') return { rows: [], total: 0 };
  // listeners keep their own order (fullest first), whatever the sort column
  if (pane === 'listeners') return { rows: snap.listeners ?? [], total: snap.listenerCount };
  const t = snap.tally;
  const [rows, total]: [readonly Row[], number] =
    pane === 'ports' ? [t.ports, t.portCount] : pane === 'peers' ? [t.peers, t.peerCount]
      : pane === 'peerPorts' ? [t.peerPorts, t.peerPortCount] : pane === 'processes' ? [t.processes, t.processCount]
      : [t.namespaces, t.namespaces.length];
  const key = SORT_COLUMNS[sortColumn].key;
  if (snap.sortBy === key && snap.ascending === ascending) return { rows, total };
  // the view's sort changed and the re-count has not arrived yet (or the view is paused)
  const keyCmp = (pane === 'ports' ? portKeyCmp : pane === 'processes' ? processKeyCmp
    : pane === 'namespaces' ? (a: NamespaceRow, b: NamespaceRow) => a.index - b.index : peerKeyCmp) as (a: CountedRow, b: CountedRow) => number;
  return { rows: [...(rows as readonly CountedRow[])].sort(compareRows<CountedRow>(key, ascending, keyCmp)), total };
}

export function reduce(s: ViewState, a: ViewAction): ViewState {
  if (a.type === 'action') return apply(s, a.id, a.env);
  let st = s;
  let typed = false; // text typed into the prompt since its last validation: validated once per burst
  for (const k of a.keys) {
    const context = contextOf(st);
    const id = (a.env.replay && context === 'main' ? actionFor('replay', k.name) : undefined) ?? actionFor(context, k.name);
    if (!id && context === 'prompt' && k.text && !k.name.startsWith('ctrl+')) {
      st = typeInto(st, k.text);
      typed = true;
      continue;
    }
    if (!id) continue;
    if (typed && st.prompt) st = withVerdict(st, a.env);
    typed = false;
    st = apply(st, id, a.env);
  }
  return typed && st.prompt ? withVerdict(st, a.env) : st;
}

/** Appends typed text to the prompt (control characters dropped, at most PROMPT_MAX characters); no validation. */
function typeInto(s: ViewState, text: string): ViewState {
  const p = s.prompt!;
  const clean = text.replace(/[\r\n\t\x00-\x1f\x7f]/g, '');
  if (!clean) return s;
  const room = PROMPT_MAX - p.text.length;
  return { ...s, prompt: { text: p.text + clean.slice(0, Math.max(0, room)), error: p.error, full: clean.length > room } };
}

function withVerdict(s: ViewState, env: KeyEnv): ViewState {
  const p = s.prompt!;
  const error = p.full ? `the filter is cut at ${PROMPT_MAX} characters` : validate(p.text, env).error;
  return { ...s, prompt: { text: p.text, error, full: p.full } };
}

function apply(s: ViewState, a: ActionId, env: KeyEnv): ViewState {
  if (s.alerts) {
    // scrolls the events (newest first): as many as the log of the snapshot on screen holds
    const page = Math.max(1, env.helpPage - 1);
    const max = Math.max(0, (env.snap?.alerts.log.length ?? 0) - page);
    switch (a) {
      case 'quit': return { ...s, quit: true };
      case 'alerts': case 'escape': return { ...s, alerts: false, alertsScroll: 0 };
      case 'help': return { ...s, alerts: false, alertsScroll: 0, help: true, helpScroll: 0 };
      case 'up': return { ...s, alertsScroll: clamp(s.alertsScroll - 1, 0, max) };
      case 'down': return { ...s, alertsScroll: clamp(s.alertsScroll + 1, 0, max) };
      case 'pageUp': return { ...s, alertsScroll: clamp(s.alertsScroll - page, 0, max) };
      case 'pageDown': return { ...s, alertsScroll: clamp(s.alertsScroll + page, 0, max) };
      case 'home': return { ...s, alertsScroll: 0 };
      case 'end': return { ...s, alertsScroll: max };
      default: return s;
    }
  }
  if (s.help) {
    const max = Math.max(0, env.helpLines - env.helpPage);
    const page = Math.max(1, env.helpPage);
    switch (a) {
      case 'quit': return { ...s, quit: true };
      case 'help': case 'escape': return { ...s, help: false, helpScroll: 0 };
      case 'alerts': return { ...s, help: false, helpScroll: 0, alerts: true, alertsScroll: 0 };
      case 'up': return { ...s, helpScroll: clamp(s.helpScroll - 1, 0, max) };
      case 'down': return { ...s, helpScroll: clamp(s.helpScroll + 1, 0, max) };
      case 'pageUp': return { ...s, helpScroll: clamp(s.helpScroll - page, 0, max) };
      case 'pageDown': return { ...s, helpScroll: clamp(s.helpScroll + page, 0, max) };
      case 'home': return { ...s, helpScroll: 0 };
      case 'end': return { ...s, helpScroll: max };
      default: return s;
    }
  }
  if (s.prompt) {
    switch (a) {
      case 'quit': return { ...s, quit: true };
      case 'promptBackspace': {
        const text = s.prompt.text.slice(0, -1);
        return withVerdict({ ...s, prompt: { text, error: null, full: false } }, env);
      }
      case 'promptCancel': return { ...s, prompt: null };
      case 'promptSubmit': {
        if (s.prompt.full) return withVerdict(s, env);
        const { node, error } = validate(s.prompt.text, env);
        if (error) return { ...s, prompt: { ...s.prompt, error } }; // nothing typed is lost
        const text = s.prompt.text.trim();
        return { ...s, prompt: null, filter: node, filterText: node ? text : null, selected: 0 };
      }
      default: return s;
    }
  }
  const rowCount = () => (s.pane === 'headroom' ? env.snap?.headroom?.rows.length ?? 0 : paneRows(env.snap, s.pane, s.sortColumn, s.ascending).rows.length);
  const last = () => Math.max(0, rowCount() - 1);
  const page = Math.max(1, env.page);
  if (env.replay && NOT_IN_REPLAY.has(a)) return s;
  switch (a) {
    case 'quit': return { ...s, quit: true };
    case 'help': return { ...s, help: true, helpScroll: 0 };
    case 'alerts': return { ...s, alerts: true, alertsScroll: 0 };
    case 'filter': return { ...s, prompt: { text: s.filterText ?? '', error: env.replay ? NO_FILTER_IN_REPLAY : null, full: false } };
    case 'escape':
      if (s.diagram) return { ...s, diagram: false };
      if (s.focus) {
        const r = s.returnTo;
        return r ? { ...s, focus: r.focus, pane: r.pane, selected: r.selected, returnTo: null } : { ...s, focus: null, pane: 'ports', selected: 0 };
      }
      if (s.pane === 'headroom') return { ...s, pane: 'ports', selected: 0 };
      // a fleet's host: back to the fleet (its filter, shared by every host, stays: `/` changes it)
      if (env.canGoBack) return { ...s, back: true };
      if (s.filterText) return { ...s, filter: null, filterText: null, selected: 0 };
      return s;
    case 'sortNext': return { ...s, sortColumn: (s.sortColumn + 1) % SORT_COLUMNS.length, selected: 0 };
    case 'sortPrev': return { ...s, sortColumn: (s.sortColumn + SORT_COLUMNS.length - 1) % SORT_COLUMNS.length, selected: 0 };
    case 'sortReverse': return { ...s, ascending: !s.ascending, selected: 0 };
    case 'togglePane': return { ...s, pane: nextPane(s, !!env.snap?.namespaces), selected: 0 };
    case 'up': return { ...s, selected: clamp(s.selected - 1, 0, last()) };
    case 'down': return { ...s, selected: clamp(s.selected + 1, 0, last()) };
    case 'pageUp': return { ...s, selected: clamp(s.selected - page, 0, last()) };
    case 'pageDown': return { ...s, selected: clamp(s.selected + page, 0, last()) };
    case 'home': return { ...s, selected: 0 };
    case 'end': return { ...s, selected: last() };
    case 'drill': {
      if (s.diagram) return s; // the table's selection is not on screen
      // a port: its peers (and processes); a process: its ports (and peers); a listener: its port's
      const inNs = s.focus !== null && 'netns' in s.focus;
      const returnTo = { pane: s.pane, selected: s.selected, focus: s.focus };
      if (s.pane === 'listeners' && (!s.focus || inNs)) {
        const rows = paneRows(env.snap, s.pane, s.sortColumn, s.ascending).rows;
        const l = rows[Math.min(s.selected, rows.length - 1)] as ListenerRow | undefined;
        return l ? { ...s, focus: { port: l.port, direction: 'in' }, pane: 'peers', selected: 0, returnTo } : s;
      }
      if (s.focus || (s.pane !== 'ports' && s.pane !== 'processes' && s.pane !== 'namespaces')) return s;
      const rows = paneRows(env.snap, s.pane, s.sortColumn, s.ascending).rows;
      const row = rows[Math.min(s.selected, rows.length - 1)];
      if (!row) return s;
      if (s.pane === 'namespaces') {
        const ns = env.snap?.namespaces?.[(row as NamespaceRow).index];
        return ns ? { ...s, focus: { netns: ns.inode }, pane: 'ports', selected: 0, returnTo } : s;
      }
      if (s.pane === 'processes') return { ...s, focus: { pid: (row as ProcessRow).pid }, pane: 'ports', selected: 0, returnTo };
      const p = row as PortRow;
      return { ...s, focus: { port: p.port, direction: p.direction }, pane: 'peers', selected: 0, returnTo };
    }
    // a replay's pause toggles what the replay does (it stops by itself at its end)
    case 'pause': return { ...s, paused: env.snap?.replay ? env.snap.replay.playing : !s.paused };
    case 'stepBack': return { ...s, paused: true, steps: s.steps - 1 };
    case 'stepForward': return { ...s, paused: true, steps: s.steps + 1 };
    case 'seekBack': return { ...s, seekMs: s.seekMs - SEEK_MS };
    case 'seekForward': return { ...s, seekMs: s.seekMs + SEEK_MS };
    case 'playSlower': return { ...s, speed: Math.max(MIN_SPEED, s.speed / 2) };
    case 'playFaster': return { ...s, speed: Math.min(MAX_SPEED, s.speed * 2) };
    case 'faster': return { ...s, intervalMs: stepInterval(s.intervalMs, -1) };
    case 'slower': return { ...s, intervalMs: stepInterval(s.intervalMs, +1) };
    case 'trend': {
      const key = SORT_COLUMNS[s.sortColumn].key;
      return { ...s, trend: typeof key === 'number' ? key : TOTAL_SERIES, trendSet: true };
    }
    case 'diagram': return { ...s, diagram: !s.diagram };
    case 'hideZero': return { ...s, hideZero: !s.hideZero };
    case 'listeners': {
      // listeners are the box's (or a namespace's): a port's or a process's drill-down is left
      // (from the diagram: the listeners table, shown)
      if (s.pane === 'listeners' && !s.diagram) return { ...s, pane: 'ports', selected: 0 };
      const keep = s.focus !== null && 'netns' in s.focus;
      return { ...s, pane: 'listeners', focus: keep ? s.focus : null, returnTo: null, selected: 0, diagram: false };
    }
    // box-wide (our namespace): it leaves a drill-down; pressed again, back to the ports
    // (from the diagram: the headroom, shown)
    case 'headroom': return s.pane === 'headroom' && !s.diagram ? { ...s, pane: 'ports', selected: 0 } : { ...s, pane: 'headroom', focus: null, returnTo: null, selected: 0, diagram: false };
    case 'allNetns': {
      // leaving every namespace: a namespace's drill-down and the namespaces table go with it
      const leave = s.allNetns && (s.pane === 'namespaces' || (s.focus !== null && 'netns' in s.focus));
      return { ...s, allNetns: !s.allNetns, ...(leave ? { pane: 'ports' as const, focus: null, returnTo: null, selected: 0 } : {}) };
    }
    default: return s;
  }
}

/**
 * ports → hosts → host:port → processes → listeners (→ namespaces) → headroom → ports; in a port's
 * drill-down its hosts → host:port → processes; in a process's drill-down its ports → hosts → host:port.
 */
function nextPane(s: ViewState, namespaces: boolean): Pane {
  // the headroom is our namespace's, box-wide: not in a drill-down
  const all: readonly Pane[] = s.focus ? PANES : [...PANES, ...(namespaces ? ['namespaces' as const] : []), 'headroom'];
  const drill = (p: Pane) => p !== 'listeners';
  const cycle = !s.focus || 'netns' in s.focus ? all : 'pid' in s.focus ? all.filter((p) => p !== 'processes' && drill(p)) : all.filter((p) => p !== 'ports' && drill(p));
  return cycle[(cycle.indexOf(s.pane) + 1) % cycle.length];
}

const PANES: readonly Pane[] = ['ports', 'peers', 'peerPorts', 'processes', 'listeners'];

/** The next step up or down the interval ladder from any current value. */
export function stepInterval(ms: number, dir: 1 | -1): number {
  if (dir > 0) return clampInterval(INTERVAL_STEPS_MS.find((x) => x > ms) ?? ms);
  const lower = [...INTERVAL_STEPS_MS].reverse().find((x) => x < ms);
  return clampInterval(lower ?? ms);
}
