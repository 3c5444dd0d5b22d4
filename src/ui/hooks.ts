import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Snapshot, Store } from '../store/store.js';

/** The latest snapshot of the store (the same object until data changes). */
export function useSnapshot(store: Store): Snapshot | null {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The terminal's size, updated on resize. */
export function useTerminalSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
