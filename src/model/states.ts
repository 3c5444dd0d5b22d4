/**
 * The eleven TCP states, keyed by the kernel's code (include/net/tcp_states.h).
 * One table feeds the tallies, the filter language, the outputs and the help screen.
 */

export type StateKind = 'open' | 'opening' | 'closing' | 'waiting' | 'trouble';

export interface TcpState {
  /** Kernel code, 1..11 (TCP_ESTABLISHED .. TCP_CLOSING). */
  readonly code: number;
  /** Canonical name, as tcptally prints it (and /proc's netstat does). */
  readonly name: StateName;
  /** The name `ss` prints. */
  readonly ssName: string;
  /** Words the filter language accepts for it (lower case). */
  readonly aliases: readonly string[];
  readonly kind: StateKind;
  /** One line: what a socket in this state is doing. */
  readonly meaning: string;
  /** One line: what a pile of them usually means on a production box. */
  readonly hint: string;
  /** Whose move it is: who has to act, and how, for a socket to leave this state ("whose move: …"). */
  readonly next: string;
}

export const STATE_NAMES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
] as const;

export type StateName = (typeof STATE_NAMES)[number];

/** The kernel's state codes by name (include/net/tcp_states.h): TCP.LISTEN is 10. */
export const TCP = {
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT1: 4,
  FIN_WAIT2: 5,
  TIME_WAIT: 6,
  CLOSE: 7,
  CLOSE_WAIT: 8,
  LAST_ACK: 9,
  LISTEN: 10,
  CLOSING: 11,
} as const satisfies Record<StateName, number>;

/** Size of arrays indexed by state code (index 0 is unused). */
export const STATE_SLOTS = 12;

export const TCP_STATES: readonly TcpState[] = [
  {
    code: 1, name: 'ESTABLISHED', ssName: 'ESTAB', aliases: ['established', 'estab'],
    kind: 'open',
    meaning: 'Open connection; data flows both ways.',
    hint: 'The working set. A sudden drop with SYN_SENT rising means a backend went away.',
    next: 'either side (data, or close()).',
  },
  {
    code: 2, name: 'SYN_SENT', ssName: 'SYN-SENT', aliases: ['syn-sent', 'syn_sent', 'synsent'],
    kind: 'opening',
    meaning: 'We sent a SYN and wait for the peer to answer.',
    hint: 'Many = a peer or firewall is not answering (dead backend, DROP rule, full accept queue).',
    next: 'the peer (its SYN+ACK), or the firewall that drops our SYN.',
  },
  {
    code: 3, name: 'SYN_RECV', ssName: 'SYN-RECV', aliases: ['syn-recv', 'syn_recv', 'synrecv'],
    kind: 'trouble',
    meaning: 'A listener got a SYN, answered SYN-ACK, and waits for the final ACK (half-open).',
    hint: 'Hundreds on one listener = SYN flood or a slow accept queue; check SYN cookies and ListenDrops.',
    next: "the client (its final ACK), then this box's application (accept()).",
  },
  {
    code: 4, name: 'FIN_WAIT1', ssName: 'FIN-WAIT-1', aliases: ['fin-wait-1', 'fin_wait1', 'finwait1'],
    kind: 'closing',
    meaning: 'We closed and sent FIN; waiting for its ACK.',
    hint: 'Piling up = the peer stopped reading or the path drops packets; unsent data is stuck.',
    next: "the peer's kernel (the ACK of our FIN).",
  },
  {
    code: 5, name: 'FIN_WAIT2', ssName: 'FIN-WAIT-2', aliases: ['fin-wait-2', 'fin_wait2', 'finwait2'],
    kind: 'closing',
    meaning: 'Our FIN was acked; waiting for the peer to close its side.',
    hint: 'Piling up = the peer application does not close; bounded by tcp_fin_timeout for orphans.',
    next: "the peer's application (close()).",
  },
  {
    code: 6, name: 'TIME_WAIT', ssName: 'TIME-WAIT', aliases: ['time-wait', 'time_wait', 'timewait', 'tw'],
    kind: 'waiting',
    meaning: 'This side closed first; the 4-tuple is held for 2MSL (60 s on Linux).',
    hint: 'A storm = many short connections closed by this side; it ties up ephemeral ports to one backend. Use keep-alive / pooling.',
    next: 'nobody (the kernel frees it after 2MSL).',
  },
  {
    code: 7, name: 'CLOSE', ssName: 'UNCONN', aliases: ['close', 'closed', 'unconn'],
    kind: 'closing',
    meaning: 'Closed, or bound but neither listening nor connected.',
    hint: 'Usually few and short-lived; many = sockets bound and never used.',
    next: "this box's application (listen(), connect() or close()).",
  },
  {
    code: 8, name: 'CLOSE_WAIT', ssName: 'CLOSE-WAIT', aliases: ['close-wait', 'close_wait', 'closewait', 'cw'],
    kind: 'trouble',
    meaning: 'The peer closed; the local application has not called close() yet.',
    hint: 'Piling up = the local application leaks sockets (missing close); the port it counts under is the leaker.',
    next: "this box's application (close()).",
  },
  {
    code: 9, name: 'LAST_ACK', ssName: 'LAST-ACK', aliases: ['last-ack', 'last_ack', 'lastack'],
    kind: 'closing',
    meaning: 'We closed after the peer did; waiting for the ACK of our FIN.',
    hint: 'Many = the peer vanished after closing (lost ACKs); they retransmit and time out.',
    next: "the peer's kernel (the ACK of our FIN).",
  },
  {
    code: 10, name: 'LISTEN', ssName: 'LISTEN', aliases: ['listen', 'listening'],
    kind: 'open',
    meaning: 'A server socket waiting for connections.',
    hint: 'One per service (more with SO_REUSEPORT). A missing one = the service is down.',
    next: "the clients (connect()), then this box's application (accept()).",
  },
  {
    code: 11, name: 'CLOSING', ssName: 'CLOSING', aliases: ['closing'],
    kind: 'closing',
    meaning: 'Both sides closed at once; waiting for the ACK of our FIN.',
    hint: 'Rare; many = simultaneous closes with packet loss.',
    next: "the peer's kernel (the ACK of our FIN).",
  },
];

/** Code → state, for codes 1..11. */
export function stateByCode(code: number): TcpState | undefined {
  return code >= 1 && code <= 11 ? TCP_STATES[code - 1] : undefined;
}

export function codeOfName(name: StateName): number {
  return STATE_NAMES.indexOf(name) + 1;
}

const aliasMap = new Map<string, number>();
for (const s of TCP_STATES) {
  aliasMap.set(s.name.toLowerCase(), s.code);
  aliasMap.set(s.ssName.toLowerCase(), s.code);
  for (const a of s.aliases) aliasMap.set(a, s.code);
}

/**
 * Normalises any spelling of a state that ss, netstat, systeminformation or a user may give
 * (ESTAB, FIN-WAIT-1, fin_wait1, TIME_WAIT, UNCONN, tw, ...) to the kernel code, or 0 if unknown.
 */
export function stateCodeOf(word: string): number {
  return aliasMap.get(word.trim().toLowerCase()) ?? 0;
}

/** Per-state counts as an object with all eleven names as keys, zeros included. */
export function countsToObject(counts: ArrayLike<number>): Record<StateName, number> {
  const out = {} as Record<StateName, number>;
  for (const s of TCP_STATES) out[s.name] = counts[s.code] ?? 0;
  return out;
}

/** The per-state columns of the ports and peers tables: the states that matter in triage. */
export const KEY_STATE_COLUMNS: readonly { code: number; header: string }[] = [
  { code: 1, header: 'ESTAB' },
  { code: 6, header: 'TIME_W' },
  { code: 8, header: 'CLOSE_W' },
  { code: 3, header: 'SYN_RCV' },
  { code: 2, header: 'SYN_SNT' },
  { code: 5, header: 'FIN_W2' },
];
