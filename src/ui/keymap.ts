/**
 * The one keymap table: it drives key dispatch and the help screen (and the status line's hints).
 * A context is where the binding applies: the main view, the help screen (and the alerts view, the
 * other full-screen list: the same keys scroll and leave it), the filter prompt, and `replay`: the main
 * view of a replayed recording, whose bindings come before the main ones.
 */

export type Context = 'main' | 'help' | 'prompt' | 'replay' | 'fleet';

export type ActionId =
  | 'quit'
  | 'help'
  | 'filter'
  | 'escape'
  | 'sortNext'
  | 'sortPrev'
  | 'sortReverse'
  | 'togglePane'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'drill'
  | 'pause'
  | 'faster'
  | 'slower'
  | 'trend'
  | 'hideZero'
  | 'allNetns'
  | 'listeners'
  | 'alerts'
  | 'diagram'
  | 'headroom'
  | 'stepBack'
  | 'stepForward'
  | 'seekBack'
  | 'seekForward'
  | 'playSlower'
  | 'playFaster'
  | 'promptSubmit'
  | 'promptCancel'
  | 'promptBackspace';

export interface Binding {
  action: ActionId;
  /** Key names as keyName() gives them. */
  keys: readonly string[];
  /** How the help screen shows the keys. */
  label: string;
  help: string;
  contexts: readonly Context[];
  /** Shown in the status line, with this short text. */
  hint?: string;
}

export const BINDINGS: readonly Binding[] = [
  { action: 'quit', keys: ['q'], label: 'q', help: 'quit (the terminal is restored)', contexts: ['main', 'help', 'fleet'], hint: 'quit' },
  { action: 'quit', keys: ['ctrl+c'], label: 'Ctrl-C', help: 'quit, from anywhere (also the filter prompt)', contexts: ['main', 'help', 'prompt', 'fleet'] },
  { action: 'help', keys: ['?'], label: '?', help: 'this help: keys and the eleven TCP states', contexts: ['main', 'help'], hint: 'help' },
  { action: 'filter', keys: ['/'], label: '/', help: 'filter prompt (ss syntax: "tw and dport = 5432"); Enter applies, Esc cancels', contexts: ['main'], hint: 'filter' },
  { action: 'escape', keys: ['escape'], label: 'Esc', help: 'leave help / leave the drill-down (back to the table and row it was entered from) / clear the filter (a host of the fleet: back to the fleet)', contexts: ['main', 'help'] },
  { action: 'sortNext', keys: ['s', 'right'], label: 's  →', help: 'sort by the next column', contexts: ['main'], hint: 'sort' },
  { action: 'sortPrev', keys: ['left'], label: '←', help: 'sort by the previous column', contexts: ['main'] },
  { action: 'sortReverse', keys: ['S', 'r'], label: 'S  r', help: 'reverse the sort order', contexts: ['main'] },
  { action: 'togglePane', keys: ['tab'], label: 'Tab', help: 'next table: service ports → remote hosts → remote host:port → processes → listeners → headroom (in a drill-down: its own tables)', contexts: ['main'], hint: 'pane' },
  { action: 'up', keys: ['k', 'up'], label: 'k  ↑', help: 'move the selection up (help: scroll)', contexts: ['main', 'help', 'fleet'] },
  { action: 'down', keys: ['j', 'down'], label: 'j  ↓', help: 'move the selection down (help: scroll)', contexts: ['main', 'help', 'fleet'] },
  { action: 'pageUp', keys: ['pageup'], label: 'PgUp', help: 'one page up', contexts: ['main', 'help'] },
  { action: 'pageDown', keys: ['pagedown'], label: 'PgDn', help: 'one page down', contexts: ['main', 'help'] },
  { action: 'home', keys: ['home', 'g'], label: 'Home g', help: 'first row', contexts: ['main', 'help'] },
  { action: 'end', keys: ['end', 'G'], label: 'End  G', help: 'last row', contexts: ['main', 'help'] },
  { action: 'drill', keys: ['enter'], label: 'Enter', help: 'on a port: drill down to its peers and states (Esc goes back)', contexts: ['main'], hint: 'drill' },
  { action: 'drill', keys: ['enter'], label: 'Enter', help: "in the fleet (--ssh with several hosts): open the host's dashboard (Esc goes back)", contexts: ['fleet'], hint: 'open' },
  { action: 'pause', keys: ['space', 'p'], label: 'Space p', help: 'pause the view (sampling and history go on)', contexts: ['main'], hint: 'pause' },
  { action: 'faster', keys: ['-'], label: '-', help: 'shorter interval (sample more often)', contexts: ['main'] },
  { action: 'slower', keys: ['+', '='], label: '+', help: 'longer interval (sample less often)', contexts: ['main'] },
  { action: 'trend', keys: ['t'], label: 't', help: 'trend the state of the sort column (TOTAL: all sockets)', contexts: ['main'], hint: 'trend' },
  { action: 'hideZero', keys: ['z'], label: 'z', help: 'hide / show states that are zero', contexts: ['main'] },
  { action: 'listeners', keys: ['l'], label: 'l', help: 'listeners: accept queue against backlog, SYN_RECV per listener; a queue at 80 % or more first, marked "!" (again: back to ports)', contexts: ['main'] },
  { action: 'alerts', keys: ['a'], label: 'a', help: 'alerts: what fired and cleared during this run, newest first (Esc back); a firing rule shows in the header', contexts: ['main', 'help'], hint: 'alerts' },
  { action: 'allNetns', keys: ['n'], label: 'n', help: 'every network namespace on the box (containers, pods) or only ours; a namespaces table joins Tab', contexts: ['main'] },
  { action: 'diagram', keys: ['d'], label: 'd', help: 'the TCP state diagram: the live counts on the open and close paths, the largest pile (or the trended state) marked, and whose move it is; follows the filter and the drill-down (d or Esc: back to the tables)', contexts: ['main'] },
  { action: 'headroom', keys: ['e'], label: 'e', help: 'ephemeral-port headroom: sockets per destination against ip_local_port_range, from 80 % highlighted (also last in the Tab cycle; e again or Esc: back)', contexts: ['main'] },
  { action: 'pause', keys: ['space', 'p'], label: 'Space p', help: 'replay: pause / play the recording', contexts: ['replay'] },
  { action: 'stepBack', keys: [','], label: ',', help: 'replay: one sample back (pauses)', contexts: ['replay'] },
  { action: 'stepForward', keys: ['.'], label: '.', help: 'replay: one sample forward (pauses)', contexts: ['replay'] },
  { action: 'seekBack', keys: ['['], label: '[', help: 'replay: one minute back', contexts: ['replay'] },
  { action: 'seekForward', keys: [']'], label: ']', help: 'replay: one minute forward', contexts: ['replay'] },
  { action: 'playSlower', keys: ['<'], label: '<', help: 'replay: half the speed (down to ×0.25)', contexts: ['replay'] },
  { action: 'playFaster', keys: ['>'], label: '>', help: 'replay: double the speed (up to ×64)', contexts: ['replay'] },
  { action: 'promptSubmit', keys: ['enter'], label: 'Enter', help: 'apply the filter (a bad one stays, with its error)', contexts: ['prompt'] },
  { action: 'promptCancel', keys: ['escape'], label: 'Esc', help: 'cancel the prompt', contexts: ['prompt'] },
  { action: 'promptBackspace', keys: ['backspace'], label: 'Backspace', help: 'delete a character', contexts: ['prompt'] },
];

const index = new Map<string, ActionId>();
for (const b of BINDINGS) for (const c of b.contexts) for (const k of b.keys) index.set(`${c} ${k}`, b.action);

/** The action bound to a key in a context, if any. */
export function actionFor(context: Context, key: string): ActionId | undefined {
  return index.get(`${context} ${key}`);
}
