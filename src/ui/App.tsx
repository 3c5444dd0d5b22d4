/**
 * Layout only: reads the store, keeps the view state, maps keys through the keymap table to the
 * reducer, and tells the sampler what the view asks for (filter, sort, drill-down, interval).
 */

import { Box, Text, useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { Services } from '../model/services.js';
import { compareRows, peerKeyCmp, portKeyCmp, type PeerRow, type PortRow } from '../model/tally.js';
import type { Snapshot } from '../sampler/sampler.js';
import type { SnapshotStore } from '../sampler/store.js';
import { CountersStrip } from './components/CountersStrip.js';
import { Header } from './components/Header.js';
import { Help, helpLines } from './components/Help.js';
import { StateBars, visibleStates } from './components/StateBars.js';
import { StatusLine } from './components/StatusLine.js';
import { Table } from './components/Table.js';
import { Trend } from './components/Trend.js';
import { count, padRight } from './format.js';
import { useSnapshot, useTerminalSize } from './hooks.js';
import { keyNames } from './keys.js';
import { computeLayout, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { KEY_STATE_COLUMNS, TCP_STATES } from '../model/states.js';
import { reduce, SORT_COLUMNS, type ViewAction, type ViewContext, type ViewState } from './viewState.js';

export interface AppProps {
  store: SnapshotStore;
  host: string;
  os: string;
  services: Services;
  initial: ViewState;
  onQuit: () => void;
}

type Row = PortRow | PeerRow;

function tableRows(snap: Snapshot | null, v: ViewState): { rows: Row[]; total: number } {
  if (!snap) return { rows: [], total: 0 };
  const t = snap.tally;
  const [rows, total] =
    v.pane === 'ports' ? [t.ports, t.portCount] : v.pane === 'peers' ? [t.peers, t.peerCount] : [t.peerPorts, t.peerPortCount];
  // sort here too: a paused view keeps its rows while the sampler re-sorts new data
  const key = SORT_COLUMNS[v.sortColumn].key;
  const keyCmp = (v.pane === 'ports' ? portKeyCmp : peerKeyCmp) as (a: Row, b: Row) => number;
  return { rows: [...rows].sort(compareRows<Row>(key, v.ascending, keyCmp)), total };
}

export function App({ store, host, os, services, initial, onQuit }: AppProps) {
  const { stdout } = useStdout();
  const { columns, rows: termRows } = useTerminalSize(stdout);
  const live = useSnapshot(store);
  const snapRef = useRef<Snapshot | null>(null);
  const ctxRef = useRef<ViewContext>({ rowCount: () => 0, page: 1, portAt: () => null, helpMax: 0, resolvePort: services.portOf });
  const [view, dispatch] = useReducer((s: ViewState, a: ViewAction) => reduce(s, a, ctxRef.current), initial);

  // Pause freezes what is shown; sampling and history go on. A view change (sort, filter, drill-down)
  // while paused shows the re-tallied data once, so the frozen view never lies about its own filter.
  const [frozen, setFrozen] = useState<Snapshot | null>(null);
  useEffect(() => {
    if (!view.paused) setFrozen(null);
    else setFrozen((f) => f ?? live);
  }, [view.paused]); // eslint-disable-line react-hooks/exhaustive-deps
  const snap = view.paused && frozen ? frozen : live;

  // tell the sampler what the view needs
  const first = useRef(true);
  useEffect(() => {
    if (first.current) return;
    store.setFilter(view.filterText, view.filter);
  }, [store, view.filter, view.filterText]);
  useEffect(() => {
    store.setView({ sortBy: SORT_COLUMNS[view.sortColumn].key, ascending: view.ascending, focus: view.focus });
  }, [store, view.sortColumn, view.ascending, view.focus]);
  useEffect(() => {
    if (!first.current) store.setIntervalMs(view.intervalMs);
  }, [store, view.intervalMs]);
  useEffect(() => {
    first.current = false;
  }, []);
  useEffect(() => {
    if (view.quit) onQuit();
  }, [view.quit, onQuit]);
  useEffect(() => {
    if (view.paused && frozen && live && live !== frozen && live.viewVersion > frozen.viewVersion) setFrozen(live);
  }, [live, frozen, view.paused]);

  const states = snap?.tally.states ?? new Array<number>(12).fill(0);
  const barLines = visibleStates(states, view.hideZero).length;
  const nonZero = TCP_STATES.filter((s) => (states[s.code] ?? 0) > 0).length;
  const layout = computeLayout(columns, termRows, barLines, nonZero, !!view.focus, !!view.prompt);
  const { rows, total } = tableRows(snap, view);
  const sel = Math.min(view.selected, Math.max(0, rows.length - 1));
  snapRef.current = snap;
  ctxRef.current = {
    rowCount: (s) => tableRows(snapRef.current, s).rows.length,
    page: layout.tableRows,
    portAt: (s) => {
      if (s.pane !== 'ports') return null;
      const r = tableRows(snapRef.current, s).rows;
      const row = r[Math.min(s.selected, r.length - 1)] as PortRow | undefined;
      return row ? { port: row.port, direction: row.direction } : null;
    },
    // only the help screen's keys ask for this: no help text is built on an ordinary render
    get helpMax() {
      return Math.max(0, helpLines(columns, () => undefined).length - (layout.lines - 1));
    },
    resolvePort: services.portOf,
  };

  const handlerRef = useRef<(input: string, key: Key) => void>(() => {});
  handlerRef.current = (input, key) => {
    for (const k of keyNames(input, key)) dispatch({ type: 'key', name: k.name, text: k.text });
  };
  // one stable handler: an inline closure would re-subscribe stdin on every render (Ink 6.8)
  const onInput = useCallback((input: string, key: Key) => handlerRef.current(input, key), []);
  useInput(onInput);

  if (layout.tooSmall) {
    return (
      <Text wrap="truncate">{`terminal too small: need ${MIN_COLUMNS}×${MIN_ROWS}, have ${columns}×${termRows} (q quits)`}</Text>
    );
  }
  if (view.help) return <Help scroll={view.helpScroll} height={layout.lines} width={columns} />;

  const focusRow = view.focus && snap ? snap.tally.ports.find((p) => p.port === view.focus!.port && p.direction === view.focus!.direction) : undefined;
  const note = [view.paused ? 'PAUSED' : '', view.focus ? 'Esc back' : ''].filter(Boolean).join(' ');
  return (
    <Box flexDirection="column" width={columns} height={layout.lines}>
      <Header snap={snap} host={host} os={os} intervalMs={view.intervalMs} paused={view.paused} filterText={snap ? snap.filter : view.filterText} width={columns} />
      <StateBars states={states} deltas={snap?.deltas ?? states.map(() => 0)} hideZero={view.hideZero || layout.bars < barLines} trend={view.trend} width={columns} />
      <Trend series={view.trend} values={snap?.history[view.trend] ?? []} times={snap?.historyTimes ?? []} width={columns} />
      <CountersStrip rates={snap?.rates ?? {}} width={columns} />
      {view.focus ? (
        <Text wrap="truncate" bold>
          {padRight(
            `drill-down: port ${view.focus.port} ${services.nameOf(view.focus.port) ?? ''} ${view.focus.direction}  total ${count(focusRow?.total ?? 0)}  ` +
              KEY_STATE_COLUMNS.map((c) => `${c.header} ${count(focusRow?.states[c.code] ?? 0)}`).join('  '),
            columns,
          )}
        </Text>
      ) : null}
      <Table pane={view.pane} rows={rows} totalRows={total} sortColumn={view.sortColumn} ascending={view.ascending} selected={sel} height={layout.tableRows} width={columns} services={services} />
      <Box flexGrow={1} />
      <StatusLine prompt={view.prompt} note={note} width={columns} />
    </Box>
  );
}

