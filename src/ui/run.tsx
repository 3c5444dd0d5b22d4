/** Mounts the dashboard on the terminal and takes it down cleanly on every exit path. */

import { render } from 'ink';
import type { Config } from '../args.js';
import { bellDue, type Alerts } from '../model/alerts.js';
import type { FilterNode } from '../model/filter.js';
import type { Services } from '../model/services.js';
import type { FleetStore } from '../store/fleet.js';
import type { Store } from '../store/store.js';
import { App } from './App.js';
import { RemoteApp } from './RemoteApp.js';
import { ScreenWriter } from './screen.js';
import { enterTerminal } from './terminal.js';
import { ThemeContext } from './theme.js';
import { initialViewState } from './viewState.js';

export interface DashboardOptions {
  store: Store;
  cfg: Config;
  services: Services;
  host: string;
  filter: FilterNode | null;
  /** Remote hosts (--ssh): their fleet view, or one host's dashboard; `store` is then not read. */
  fleet?: FleetStore;
  /** The OS line, when known (a replay: the recording's kernel); else read from this box. */
  os?: string;
}

/** OS and kernel for the header, read once (systeminformation), never blocking the first frame. */
async function osLine(): Promise<string> {
  try {
    const si = await import('systeminformation');
    const o = await si.osInfo();
    return `${o.distro || o.platform} ${o.kernel}`.trim();
  } catch {
    return process.platform;
  }
}

export async function runDashboard({ store: local, cfg, services, host, filter, fleet, os: knownOs }: DashboardOptions): Promise<number> {
  // what is started, closed and listened to for errors: the local store, or every remote host
  const store: Pick<Store, 'start' | 'close' | 'onError'> = fleet ?? local;
  return new Promise<number>((resolve) => {
    let done = false;
    let os = knownOs ?? '';
    const finish = (code: number, message?: string) => {
      if (done) return;
      done = true;
      // nothing more reaches the terminal: not Ink's last frame, not the cursor it shows in an unmount
      // effect that runs after we have left the alternate screen (it erased lines of the shell's screen)
      screen.dispose();
      try {
        instance.unmount();
      } catch {
        /* already unmounted */
      }
      guard.restore(); // the terminal first: whatever happens next, it is usable (if it is still there)
      if (message && !guard.gone) process.stderr.write(`tcptally: ${message}\n`);
      // the sampler's worker closes its netlink socket and ends before we exit
      void Promise.resolve(store.close()).finally(() => resolve(code));
    };
    // a terminal that went away ends the dashboard with 0 and nothing written (see terminal.ts)
    const guard = enterTerminal(process.stdout, { onStop: (code) => finish(code) });
    process.on('uncaughtException', (err) => finish(1, `internal error: ${err.message}`));
    store.onError((err) => finish(1, err.message));

    const initial = initialViewState({ intervalMs: cfg.intervalMs, filterText: cfg.filterText, filter, allNetns: cfg.allNetns });
    const tree = (osText: string) => (
      <ThemeContext.Provider value={{ color: cfg.color, ascii: cfg.ascii }}>
        {fleet
          ? <RemoteApp fleet={fleet} services={services} initial={initial} onQuit={() => finish(0)} />
          : <App store={local} host={host} os={osText} services={services} initial={initial} onQuit={() => finish(0)} />}
      </ThemeContext.Provider>
    );
    // Ink renders whole frames into the screen writer (debug mode: no erase sequences, no throttle:
    // one frame per change, i.e. per sample and per key); the writer sends only changed lines
    const screen = new ScreenWriter(process.stdout);
    const instance = render(tree(os), {
      stdout: screen as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    if (cfg.bell && !fleet) {
      // --bell: BEL once when an alert starts at a level higher than the sample before had
      let before: Alerts | null = null;
      local.subscribe((s) => {
        if (!done && bellDue(before, s.alerts)) process.stdout.write('\x07');
        before = s.alerts;
      });
    }
    store.start();
    // the OS line waits for the first sample: systeminformation must not compete with the first frame
    // (a remote host's OS comes with its session)
    if (fleet) return;
    const offFirst = knownOs !== undefined ? () => {} : local.subscribe(() => {
      offFirst();
      void osLine().then((text) => {
        os = text;
        if (!done) instance.rerender(tree(os));
      });
    });
  });
}
