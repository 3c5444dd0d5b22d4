/**
 * The dashboard of remote hosts (--ssh). Several: the fleet table; Enter opens the selected host's
 * full dashboard (its own store), Esc there comes back. One: that host's dashboard at once. Either
 * way the header says which host, how it is read, and whether its link is up.
 */

import { useInput, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Services } from '../model/services.js';
import type { FleetStore } from '../store/fleet.js';
import { App } from './App.js';
import { Fleet } from './components/Fleet.js';
import { useTerminalSize } from './hooks.js';
import { actionFor } from './keymap.js';
import { keyNames } from './keys.js';
import type { ViewState } from './viewState.js';

export interface RemoteAppProps {
  fleet: FleetStore;
  services: Services;
  initial: ViewState;
  onQuit: () => void;
}

export function RemoteApp({ fleet, services, initial, onQuit }: RemoteAppProps) {
  const { stdout } = useStdout();
  const { columns, rows } = useTerminalSize(stdout);
  const f = useSyncExternalStore(fleet.subscribe, fleet.getSnapshot);
  const single = fleet.hosts.length === 1;
  const [open, setOpen] = useState<number | null>(single ? 0 : null);
  const [selected, setSelected] = useState(0);
  const selRef = useRef(0);
  selRef.current = selected;
  const count = fleet.hosts.length;
  // one stable handler (Ink 6.8 re-subscribes stdin for a new one); keys go through the keymap's fleet context
  const onInput = useCallback((input: string, key: Key) => {
    for (const k of keyNames(input, key)) {
      switch (actionFor('fleet', k.name)) {
        case 'quit': onQuit(); return;
        case 'up': setSelected((s) => Math.max(0, s - 1)); break;
        case 'down': setSelected((s) => Math.min(count - 1, s + 1)); break;
        case 'drill': setOpen(selRef.current); return;
        default: break;
      }
    }
  }, [onQuit, count]);
  useInput(onInput, { isActive: open === null });
  const back = useCallback(() => setOpen(null), []);
  // only the host on screen sends its lists; the fleet's rows need its counts
  useEffect(() => {
    fleet.hosts.forEach((h, i) => h.setShown(i === open));
  }, [fleet, open]);

  if (open !== null) {
    const host = fleet.hosts[open];
    const row = f.rows[open];
    return (
      <App key={open} store={host} host={host.host} os={row.link.os} services={services} initial={initial} onQuit={onQuit}
        remote={row.link} onBack={single ? undefined : back} />
    );
  }
  return <Fleet rows={f.rows} selected={selected} width={columns} height={Math.max(1, rows - 1)} now={Date.now()} />;
}
