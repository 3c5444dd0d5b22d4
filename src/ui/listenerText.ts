/** Pure text of a listener row, shared by the dashboard's listeners table and --once. */

import type { ListenerRow } from '../model/listeners.js';

/** address:port, an IPv6 address in brackets: 127.0.0.1:80, [::]:443. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The accept queue against the backlog, `?` for what the source cannot tell: 3/2, 0/?, ?/?. */
export function queueText(r: Pick<ListenerRow, 'acceptQueue' | 'backlog'>): string {
  return `${r.acceptQueue ?? '?'}/${r.backlog ?? '?'}`;
}

/** The fill in whole per cent (150%), `?` when the backlog is unknown. */
export function fillText(r: Pick<ListenerRow, 'fill'>): string {
  return r.fill === null ? '?' : `${Math.round(r.fill)}%`;
}
