/**
 * Layout only: reads the store, keeps the view state, hands key bursts (with the data they act on) to
 * the reducer, and tells the store what the view asks for (one query: filter, sort, drill-down,
 * interval, trend).
 */

import { Box, Text, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { NO_ALERTS } from '../model/alerts.js';
import type { Services } from '../model/services.js';
import { STATE_SLOTS, TCP_STATES } from '../model/states.js';
import type { RemoteLink, Snapshot, Store } from '../store/store.js';
import { alertLevels } from './alertText.js';
import { AlertsView } from './components/AlertsView.js';
import { CountersStrip } from './components/CountersStrip.js';
import { Diagram, useDiagramCounts } from './components/Diagram.js';
import { DrillTitle } from './components/DrillTitle.js';
import { HeadroomPane } from './components/HeadroomPane.js';
import { Header } from './components/Header.js';
import { ListenersTable } from './components/ListenersTable.js';
import { Help, helpLines } from './components/Help.js';
import { StateBars, visibleStates } from './components/StateBars.js';
import { StatusLine } from './components/StatusLine.js';
import { Table, type TableProps } from './components/Table.js';
import { Trend } from './components/Trend.js';
import { largestPile } from './diagram.js';
import { asciiText } from './format.js';
import { useSnapshot, useTerminalSize } from './hooks.js';
import { keyNames } from './keys.js';
import { computeLayout, DRILL_LINES, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { useTheme } from './theme.js';
import { paneRows, reduce, SORT_COLUMNS, type KeyEnv, type ViewState } from './viewState.js';
import type { ListenerRow } from '../model/listeners.js';

export interface AppProps {
  store: Store;
  host: string;
  os: string;
  services: Services;
  initial: ViewState;
  onQuit: () => void;
  /** A remote host's link (--ssh), for the header. */
  remote?: RemoteLink | null;
  /** Esc with nothing else to leave goes back (a fleet's host dashboard → the fleet). */
  onBack?: () => void;
}

const tooSmall = (columns: number, rows: number, ascii: boolean) => {
  const text = `terminal too small: need ${MIN_COLUMNS}×${MIN_ROWS}, have ${columns}×${rows} (q quits)`;
  return ascii ? asciiText(text) : text;
};

const NO_COUNTS: readonly number[] = new Array<number>(STATE_SLOTS).fill(0);
const NO_STATS = { current: 0, min: 0, max: 0, ratePerSec: 0, points: 0 };

export function App({ store, host, os, services, initial, onQuit, remote, onBack }: AppProps) {
  const { stdout } = useStdout();
  const { ascii } = useTheme();
  const { columns, rows: termRows } = useTerminalSize(stdout);
  const live = useSnapshot(store);
  const [view, dispatch] = useReducer(reduce, initial);

  // Pause freezes what is shown; sampling and history go on. A view change (sort, filter, drill-down)
  // while paused shows the re-tallied data once, so the frozen view never lies about its own filter.
  const [frozen, setFrozen] = useState<Snapshot | null>(null);
  useEffect(() => {
    if (!view.paused) setFrozen(null);
    else setFrozen((f) => f ?? live);
  }, [view.paused]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (view.paused && frozen && live && live !== frozen && live.viewVersion > frozen.viewVersion) setFrozen(live);
  }, [live, frozen, view.paused]);
  // a replay pauses itself (its snapshots are the paused view, stepped by the keys)
  const replay = !!live?.replay;
  const snap = view.paused && frozen && !replay ? frozen : live;

  // what the view asks of the store; the store ignores what did not change. The trend line draws at
  // most `columns` points, so no more travel.
  useEffect(() => {
    store.setQuery({
      filterText: view.filterText,
      filter: view.filter,
      sortBy: SORT_COLUMNS[view.sortColumn].key,
      ascending: view.ascending,
      focus: view.focus,
      intervalMs: view.intervalMs,
      trendSeries: view.trend,
      trendPoints: columns,
      allNetns: view.allNetns,
      playback: { paused: view.paused, speed: view.speed, steps: view.steps, seekMs: view.seekMs },
    });
  }, [store, view.filterText, view.filter, view.sortColumn, view.ascending, view.focus, view.intervalMs, view.trend, columns, view.allNetns, view.paused, view.speed, view.steps, view.seekMs]);
  useEffect(() => {
    if (view.quit) onQuit();
  }, [view.quit, onQuit]);
  useEffect(() => {
    if (view.back) onBack?.();
  }, [view.back, onBack]);

  const states = snap?.tally.states ?? NO_COUNTS;
  const barLines = visibleStates(states, view.hideZero).length;
  const nonZero = TCP_STATES.filter((s) => (states[s.code] ?? 0) > 0).length;
  const headroomPane = view.pane === 'headroom';
  // the headroom pane's two title lines (its settings) take the drill-down title's place
  const layout = computeLayout(columns, termRows, barLines, nonZero, !!view.focus || headroomPane, !!view.prompt);
  const { rows, total } = useMemo(() => paneRows(snap, view.pane, view.sortColumn, view.ascending), [snap, view.pane, view.sortColumn, view.ascending]);
  const alerts = snap?.alerts ?? NO_ALERTS;
  const levels = useMemo(() => alertLevels(alerts), [alerts]);
  // the help text is built only while help is open, once per width
  const help = useMemo(() => (view.help ? helpLines(columns, ascii) : null), [view.help, columns, ascii]);

  // what the next key burst acts on: read when it arrives, handed to the reducer as data
  const envRef = useRef<KeyEnv>({ snap: null, page: 1, helpLines: 0, helpPage: 1 });
  envRef.current = {
    snap, page: layout.tableRows, helpLines: help?.length ?? 0, helpPage: layout.lines - 1, resolvePort: services.portOf,
    owners: snap ? snap.attribution !== null : undefined, replay, canGoBack: !!onBack,
  };
  // one stable handler: an inline closure would re-subscribe stdin on every render (Ink 6.8)
  const onInput = useCallback((input: string, key: Key) => {
    dispatch({ type: 'keys', keys: keyNames(input, key), env: envRef.current });
  }, []);
  useInput(onInput);
  const diagram = useDiagramCounts(snap, view.focus);

  if (layout.tooSmall) {
    return (
      <Text wrap="truncate">{tooSmall(columns, termRows, ascii)}</Text>
    );
  }
  if (help) return <Help lines={help} scroll={view.helpScroll} height={layout.lines} width={columns} />;
  if (view.alerts) return <AlertsView alerts={alerts} scroll={view.alertsScroll} height={layout.lines} width={columns} />;

  const sel = Math.min(view.selected, Math.max(0, rows.length - 1));
  const focus = view.focus;
  const focusNs = focus && 'netns' in focus ? snap?.namespaces?.find((e) => e.inode === focus.netns) : undefined;
  const focusRow = !focus || !snap ? undefined
    : 'pid' in focus ? snap.tally.processes.find((p) => p.pid === focus.pid)
    : 'netns' in focus ? { total: snap.tally.total, states: snap.tally.states }
    // the snapshot counted with this focus has it; one from just before the key (the re-count comes
    // with the sample under way) has the port in its list
    : snap.tally.focusPort ?? snap.tally.ports.find((p) => p.port === focus.port && p.direction === focus.direction);
  const processInfo = snap?.attribution ? snap.processInfo : null;
  const note = [view.paused && !replay ? 'PAUSED' : '', view.diagram ? 'diagram: d or Esc back' : view.focus ? 'Esc back' : onBack ? 'Esc fleet' : ''].filter(Boolean).join(' ');
  return (
    <Box flexDirection="column" width={columns} height={layout.lines}>
      <Header snap={snap} host={host} os={os} remote={remote} intervalMs={replay && snap ? snap.intervalMs : view.intervalMs} paused={view.paused && !replay} filterText={snap ? snap.filter : view.filterText} width={columns} />
      {view.diagram ? null : <StateBars states={states} deltas={snap?.deltas ?? NO_COUNTS} hideZero={view.hideZero || layout.bars < barLines} trend={view.trend} width={columns} levels={levels.states} />}
      {view.diagram ? null : <Trend series={view.trend} values={snap && snap.trend.series === view.trend ? snap.trend.values : []} stats={snap && snap.trend.series === view.trend ? snap.trend.stats : NO_STATS} width={columns} />}
      {view.diagram ? null : <CountersStrip rates={snap?.rates ?? {}} width={columns} conntrack={snap?.conntrack} conntrackLevel={levels.conntrack} />}
      {view.focus ? <DrillTitle focus={view.focus} row={focusRow} info={view.focus && 'pid' in view.focus ? snap?.processInfo[view.focus.pid] : undefined} netns={focusNs} services={services} now={snap?.time ?? 0} agesSince={snap?.agesSince ?? null} width={columns} /> : null}
      {view.diagram
        ? <Diagram counts={diagram.counts} deltas={diagram.deltas} mark={view.trendSet && view.trend !== 0 ? view.trend : largestPile(diagram.counts)} width={columns} height={layout.lines - 2 - (view.focus ? DRILL_LINES : 0) - (view.prompt ? 2 : 1)} />
        : view.pane === 'headroom'
        ? <HeadroomPane headroom={snap?.headroom ?? null} waiting={!snap} selected={view.selected} height={layout.tableRows} width={columns} />
        : view.pane === 'listeners'
        ? <ListenersTable rows={rows as readonly ListenerRow[]} totalRows={total} selected={sel} height={layout.tableRows} width={columns} processInfo={processInfo} rates={snap?.rates ?? {}} namespaces={snap?.namespaces} />
        : <Table pane={view.pane} rows={rows as TableProps['rows']} totalRows={total} sortColumn={view.sortColumn} ascending={view.ascending} selected={sel} height={layout.tableRows} width={columns} services={services} processInfo={processInfo} namespaces={snap?.namespaces} now={snap?.time} marks={levels.ports} />}
      <Box flexGrow={1} />
      <StatusLine prompt={view.prompt} note={note} width={columns} />
    </Box>
  );
}
