/** /etc/services: TCP port ⇄ service name. */

export interface Services {
  nameOf(port: number): string | undefined;
  portOf(name: string): number | undefined;
}

export function parseServices(text: string): Services {
  const byPort = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const m = /^(\d+)\/tcp$/.exec(portProto ?? '');
    if (!m) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    if (!byPort.has(port)) byPort.set(port, name);
    for (const n of [name, ...aliases]) if (!byName.has(n.toLowerCase())) byName.set(n.toLowerCase(), port);
  }
  return { nameOf: (p) => byPort.get(p), portOf: (n) => byName.get(n.toLowerCase()) };
}

export const NO_SERVICES: Services = { nameOf: () => undefined, portOf: () => undefined };
