/**
 * The filter language: ss's words, so an ss user already knows it.
 *
 *   expr   := or
 *   or     := and (("or" | "||") and)*
 *   and    := unary (("and" | "&&")? unary)*          juxtaposition means "and", as in ss
 *   unary  := ("not" | "!") unary | "(" expr ")" | term
 *   term   := STATE | "state" STATE | "exclude" STATE | GROUP   established, estab, time-wait, tw, SYN_RECV, ...
 *           | ("sport" | "dport" | "port") [OP] PORT    OP: = == eq != ne < lt > gt <= le >= ge; PORT: 80, :80, :https
 *           | ("src" | "dst" | "addr" | "host") [=] ADDR   127.0.0.1, 10.0.0.0/8, ::1, [::1], 127.0.0.1:8080, [::1]:443
 *           | "v4" | "ipv4" | "v6" | "ipv6"
 *
 * sport/src are the local end, dport/dst the remote end, port/addr either. An IPv4 term also matches
 * IPv4-mapped addresses (::ffff:a.b.c.d) on dual-stack IPv6 sockets.
 *
 * Bounded and linear: an expression is at most MAX_FILTER_LENGTH characters and nests "(" / "not" at most
 * MAX_FILTER_DEPTH deep; and/or chains are n-ary nodes built and evaluated by loops, so a chain of
 * thousands of terms costs no stack. Tokenizing and parsing are linear in the length.
 */

import { isMapped, parseAddress, parseV4, type Words } from './address.js';
import { clip } from './clip.js';
import type { Owners } from './owners.js';
import { STATE_SLOTS, TCP_STATES, type StateName } from './states.js';
import type { SocketTable } from './table.js';

/** Longest expression accepted, in characters (UTF-16 units): room for a few thousand generated terms. */
export const MAX_FILTER_LENGTH = 65_536;
/** Deepest nesting of "(" and "not" / "!" accepted. */
export const MAX_FILTER_DEPTH = 64;

export type PortOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
export type End = 'local' | 'remote' | 'either';

/** A parsed filter: plain data (it is posted to the sampler's worker thread). */
export type FilterNode =
  | { kind: 'state'; codes: number[] }
  | { kind: 'port'; end: End; op: PortOp; port: number }
  | { kind: 'addr'; end: End; family: 4 | 6; words: Words; prefix: number }
  | { kind: 'family'; family: 4 | 6 }
  /** Held by a process: its pid, command (glob), user (name or uid) or container (id prefix, unit, glob). */
  | { kind: 'owner'; field: OwnerField; value: string }
  | { kind: 'not'; x: FilterNode }
  /** Two or more operands; a chain `a and b and c` is one node, never nested ones. */
  | { kind: 'and' | 'or'; xs: FilterNode[] };

export class FilterError extends Error {
  /**
   * `what` says what was expected or wrong; `token` and `column` say where. With `ended` the expression
   * ended where something was expected (token ''); a `token` of '' without `ended` means the whole
   * expression (the length limit). Quoted tokens are clipped to a few dozen characters.
   */
  constructor(readonly what: string, readonly token: string, readonly column: number, ended = false) {
    super(
      ended ? `${what}, but the expression ended` : token ? `${what}, got "${clip(token)}" at column ${column}` : what,
    );
    this.name = 'FilterError';
  }

  /** The place first, for a narrow prompt line: '"bogus" at column 11: expected a state, ...'. */
  get short(): string {
    return this.token ? `"${clip(this.token)}" at column ${this.column}: ${this.what}` : this.message;
  }
}

interface Token {
  text: string;
  column: number; // 1-based
}

const SPACE_RE = /\s*/y;
const TOKEN_RE = /\(|\)|!=|==|<=|>=|=|<|>|&&|\|\||!|[^\s()!=<>&|]+/y;

/** Splits an expression into tokens; linear in its length (sticky regexes, no copies of the rest). */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (;;) {
    SPACE_RE.lastIndex = pos;
    SPACE_RE.exec(src);
    pos = SPACE_RE.lastIndex;
    if (pos >= src.length) return out;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(src);
    if (!m) throw new FilterError('unexpected character', src[pos], pos + 1);
    out.push({ text: m[0], column: pos + 1 });
    pos = TOKEN_RE.lastIndex;
  }
}

const ALL_STATES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const freeze = <T extends object>(x: T): Readonly<T> => Object.freeze(x);

/**
 * The filter's vocabulary as data: the parser reads these tables and nothing else, so a help screen
 * built from them says exactly what the parser accepts. Words match case-insensitively.
 */
export type OwnerField = 'pid' | 'comm' | 'user' | 'container';

export const FILTER_WORDS = freeze({
  /** Each state's words: its aliases first (established, estab), then its kernel and ss names. */
  states: freeze(
    TCP_STATES.map((s) =>
      freeze({ code: s.code, name: s.name as StateName, words: freeze([...new Set([...s.aliases, s.name.toLowerCase(), s.ssName.toLowerCase()])]) }),
    ),
  ),
  /** ss's state groups → the state codes they stand for. */
  groups: freeze<Record<string, readonly number[]>>({
    all: ALL_STATES,
    connected: ALL_STATES.filter((c) => c !== 10 && c !== 7),
    synchronized: ALL_STATES.filter((c) => c !== 10 && c !== 7 && c !== 2),
    bucket: [3, 6],
    big: ALL_STATES.filter((c) => c !== 3 && c !== 6),
  }),
  /** `state X` matches X, `exclude X` everything but X (X: a state or a group). */
  stateKeywords: freeze({ state: 'only', exclude: 'not' } as const),
  /** Port words → which end they look at; followed by an optional op and a number, :number or service. */
  ports: freeze<Record<string, End>>({ sport: 'local', dport: 'remote', port: 'either' }),
  /** Address words → which end; followed by an optional "=" and an address, CIDR or address:port. */
  addrs: freeze<Record<string, End>>({ src: 'local', dst: 'remote', addr: 'either', host: 'either' }),
  families: freeze<Record<string, 4 | 6>>({ v4: 4, ipv4: 4, inet: 4, '-4': 4, v6: 6, ipv6: 6, inet6: 6, '-6': 6 }),
  /** Owner words → what they match in the processes holding a socket; followed by a value. */
  owners: freeze<Record<string, OwnerField>>({ pid: 'pid', comm: 'comm', user: 'user', container: 'container' }),
  /** Comparison words of a port term → the operator. */
  ops: freeze<Record<string, PortOp>>({
    '=': '=', '==': '=', eq: '=',
    '!=': '!=', ne: '!=', neq: '!=',
    '<': '<', lt: '<',
    '>': '>', gt: '>',
    '<=': '<=', le: '<=', leq: '<=',
    '>=': '>=', ge: '>=', geq: '>=',
  }),
  and: freeze(['and', '&&']),
  or: freeze(['or', '||']),
  not: freeze(['not', '!']),
  open: '(',
  close: ')',
});

/**
 * The words the parser knows, grouped for the help screen: built from FILTER_WORDS, the parser's own
 * tables (the aliases of each state; the kernel and ss names are accepted too but not listed).
 */
export function filterVocabulary(): { what: string; words: string[] }[] {
  const W = FILTER_WORDS;
  return [
    { what: 'states', words: [...TCP_STATES.flatMap((st) => st.aliases), ...Object.keys(W.stateKeywords).map((w) => `${w} X`)] },
    { what: 'groups', words: Object.keys(W.groups) },
    { what: 'ports', words: [...Object.keys(W.ports).map((w) => `${w} [OP] N|:N|:name`), `OP: ${Object.keys(W.ops).join(' ')}`] },
    { what: 'addresses', words: Object.keys(W.addrs).map((w) => `${w} ADDR[/PREFIX][:PORT]`) },
    { what: 'families', words: Object.keys(W.families) },
    { what: 'owners', words: ['pid N', 'comm NAME (glob: ngin*)', 'user NAME|UID', 'container ID|NAME'] },
    { what: 'logic', words: [`${W.and[0]} (or a space)`, ...W.or.slice(0, 1), ...W.not, ...W.and.slice(1), ...W.or.slice(1), `${W.open} ${W.close}`] },
  ];
}

const STATE_WORDS = new Map<string, number[]>();
for (const s of FILTER_WORDS.states) for (const w of s.words) STATE_WORDS.set(w, [s.code]);
for (const [w, codes] of Object.entries(FILTER_WORDS.groups)) STATE_WORDS.set(w, [...codes]);
const has = <T>(table: Readonly<Record<string, T>>, w: string): boolean => Object.hasOwn(table, w);

export interface ParseOptions {
  /** Resolves a service name (https) to a port number; from /etc/services. */
  resolvePort?: (name: string) => number | undefined;
}

/** Appends x to a chain of `kind`, splicing in x's own operands when it is a chain of the same kind. */
function push(xs: FilterNode[], kind: 'and' | 'or', x: FilterNode): void {
  if (x.kind === kind) for (const y of x.xs) xs.push(y);
  else xs.push(x);
}

function chain(kind: 'and' | 'or', xs: FilterNode[]): FilterNode {
  return xs.length === 1 ? xs[0] : { kind, xs };
}

/**
 * Parses a filter expression; an empty or blank one gives null (match everything). Throws a FilterError
 * naming the token and column, or the limit (MAX_FILTER_LENGTH, MAX_FILTER_DEPTH) that was passed.
 */
export function parseFilter(src: string, opts: ParseOptions = {}): FilterNode | null {
  if (src.length > MAX_FILTER_LENGTH) {
    throw new FilterError(`too long: ${src.length} characters (at most ${MAX_FILTER_LENGTH})`, '', 0);
  }
  const toks = tokenize(src);
  if (toks.length === 0) return null;
  const W = FILTER_WORDS;
  let i = 0;
  let depth = 0; // "(" and "not" open around the current token; recursion is bounded by it
  const peek = (): Token | undefined => toks[i];
  const lower = (t: Token | undefined) => t?.text.toLowerCase();
  const fail = (t: Token | undefined, what: string): never => {
    if (!t) throw new FilterError(what, '', src.length + 1, true);
    throw new FilterError(what, t.text, t.column);
  };
  const enter = (t: Token): void => {
    if (++depth > MAX_FILTER_DEPTH) fail(t, `too deep: more than ${MAX_FILTER_DEPTH} nested "(" / "not"`);
  };
  const isOr = (t: Token | undefined) => t !== undefined && W.or.includes(t.text.toLowerCase());
  const isAnd = (t: Token | undefined) => t !== undefined && W.and.includes(t.text.toLowerCase());
  const startsTerm = (t: Token | undefined) => t !== undefined && t.text !== W.close && !isOr(t);

  const parseOr = (): FilterNode => {
    const xs: FilterNode[] = [];
    push(xs, 'or', parseAnd());
    while (isOr(peek())) {
      i++;
      push(xs, 'or', parseAnd());
    }
    return chain('or', xs);
  };
  const parseAnd = (): FilterNode => {
    const xs: FilterNode[] = [];
    push(xs, 'and', parseUnary());
    for (;;) {
      const t = peek();
      if (isAnd(t)) i++;
      else if (!startsTerm(t)) return chain('and', xs);
      push(xs, 'and', parseUnary());
    }
  };
  const parseUnary = (): FilterNode => {
    const t = peek();
    if (t !== undefined && W.not.includes(t.text.toLowerCase())) {
      enter(t);
      i++;
      const x = parseUnary();
      depth--;
      return { kind: 'not', x };
    }
    if (t?.text === W.open) {
      enter(t);
      i++;
      const x = parseOr();
      if (peek()?.text !== W.close) fail(peek(), `expected ")" to close the "(" at column ${t.column}`);
      i++;
      depth--;
      return x;
    }
    return parseTerm();
  };
  const parsePort = (word: Token): number => {
    const t = toks[i++];
    if (!t) return fail(t, `expected a port after "${word.text}"`);
    const text = t.text.startsWith(':') ? t.text.slice(1) : t.text;
    if (/^\d+$/.test(text)) {
      const n = Number(text);
      if (n <= 65535) return n;
      return fail(t, `port out of range (0-65535)`);
    }
    const named = /^[a-z][\w.+-]*$/i.test(text) ? opts.resolvePort?.(text.toLowerCase()) : undefined;
    if (named !== undefined) return named;
    return fail(t, `expected a port number or service name after "${word.text}"`);
  };
  const parseTerm = (): FilterNode => {
    const t = toks[i];
    if (!t) return fail(t, 'expected a state, port, address or family');
    const w = t.text.toLowerCase();
    i++;
    if (has(W.stateKeywords, w)) {
      const s = toks[i++];
      const codes = s ? STATE_WORDS.get(s.text.toLowerCase()) : undefined;
      if (!codes) return fail(s, `expected a state name after "${t.text}"`);
      const node: FilterNode = { kind: 'state', codes: [...codes] };
      return W.stateKeywords[w as keyof typeof W.stateKeywords] === 'not' ? { kind: 'not', x: node } : node;
    }
    const codes = STATE_WORDS.get(w);
    if (codes) return { kind: 'state', codes: [...codes] };
    if (has(W.families, w)) return { kind: 'family', family: W.families[w] };
    if (has(W.ports, w)) {
      let op: PortOp = '=';
      const o = lower(peek());
      if (o !== undefined && has(W.ops, o)) {
        op = W.ops[o];
        i++;
      }
      return { kind: 'port', end: W.ports[w], op, port: parsePort(t) };
    }
    if (has(W.owners, w)) {
      const field = W.owners[w];
      const v = toks[i++];
      if (!v || v.text === W.open || v.text === W.close) return fail(v, `expected a value after "${t.text}"`);
      if (field === 'pid' && !/^\d{1,7}$/.test(v.text)) return fail(v, `expected a process id after "${t.text}"`);
      return { kind: 'owner', field, value: v.text };
    }
    if (has(W.addrs, w)) {
      const end = W.addrs[w];
      if (peek()?.text === '=' || peek()?.text === '==') i++;
      const a = toks[i++];
      if (!a) return fail(a, `expected an address after "${t.text}"`);
      return parseAddrTerm(a, end, fail);
    }
    return fail(t, 'expected a state, port, address or family');
  };

  const root = parseOr();
  if (i < toks.length) fail(toks[i], toks[i].text === W.close ? 'unmatched ")"' : 'expected "and", "or" or the end');
  return root;
}

function parseAddrTerm(a: Token, end: End, fail: (t: Token, what: string) => never): FilterNode {
  let text = a.text;
  let port: number | undefined;
  // [v6]:port or v4:port
  const bracket = /^\[([^\]]+)\](?::(\d+))?(\/\d+)?$/.exec(text);
  if (bracket) {
    text = bracket[1] + (bracket[3] ?? '');
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else {
    const v4port = /^([\d.]+)(\/\d+)?:(\d+)$/.exec(text);
    if (v4port && parseV4(v4port[1]) !== undefined) {
      text = v4port[1] + (v4port[2] ?? '');
      port = Number(v4port[3]);
    }
  }
  if (port !== undefined && port > 65535) fail(a, 'port out of range (0-65535)');
  let prefixText: string | undefined;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    prefixText = text.slice(slash + 1);
    text = text.slice(0, slash);
  }
  const parsed = parseAddress(text);
  if (!parsed) return fail(a, 'expected an IPv4 or IPv6 address (optionally /prefix)');
  let { family, words } = parsed;
  let max = family === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d+$/.test(prefixText) || Number(prefixText) > max) fail(a, `bad prefix length (0-${max})`);
    prefix = Number(prefixText);
  }
  if (family === 6 && isMapped(words[0], words[1], words[2]) && prefix >= 96) {
    family = 4;
    words = [0, 0, 0, words[3]];
    prefix -= 96;
    max = 32;
  }
  const node: FilterNode = { kind: 'addr', end, family, words, prefix };
  if (port === undefined) return node;
  return { kind: 'and', xs: [node, { kind: 'port', end, op: '=', port }] };
}

export type Predicate = (t: SocketTable, i: number) => boolean;

function cmp(op: PortOp, v: number, p: number): boolean {
  switch (op) {
    case '=': return v === p;
    case '!=': return v !== p;
    case '<': return v < p;
    case '>': return v > p;
    case '<=': return v <= p;
    case '>=': return v >= p;
  }
}

function maskWord(prefixBits: number): number {
  if (prefixBits <= 0) return 0;
  if (prefixBits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - prefixBits)) >>> 0;
}

function addrMatch(
  node: Extract<FilterNode, { kind: 'addr' }>,
  fam: number,
  w: Uint32Array,
  at: number,
): boolean {
  if (node.family === 4) {
    const v4 = fam === 4 || isMapped(w[at], w[at + 1], w[at + 2]);
    if (!v4) return false;
    const m = maskWord(node.prefix);
    return ((w[at + 3] & m) >>> 0) === ((node.words[3] & m) >>> 0);
  }
  if (fam !== 6) return false;
  for (let k = 0; k < 4; k++) {
    const m = maskWord(node.prefix - k * 32);
    if (((w[at + k] & m) >>> 0) !== ((node.words[k] & m) >>> 0)) return false;
  }
  return true;
}

/** What owner terms need: who holds a socket, and what a pid is (cached by the caller for a sample). */
export interface OwnerContext {
  owners(inode: number): Owners;
  process(pid: number): { command: string; uid: number; user: string; container: { id: string; pod?: string } | null } | null;
}

/** Whether the filter has owner terms (pid, comm, user, container): they need owners looked up. */
export function usesOwners(node: FilterNode | null): boolean {
  if (!node) return false;
  if (node.kind === 'owner') return true;
  if (node.kind === 'not') return usesOwners(node.x);
  if (node.kind === 'and' || node.kind === 'or') return node.xs.some(usesOwners);
  return false;
}

/** A shell-style glob (* and ?) as an anchored, case-sensitive regular expression. */
function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function ownerMatcher(node: Extract<FilterNode, { kind: 'owner' }>, ctx: OwnerContext): (pid: number) => boolean {
  const v = node.value;
  switch (node.field) {
    case 'pid': {
      const want = Number(v);
      return (pid) => pid === want;
    }
    case 'comm': {
      const re = globRe(v);
      return (pid) => { const p = ctx.process(pid); return !!p && re.test(p.command); };
    }
    case 'user': {
      const uid = /^\d+$/.test(v) ? Number(v) : -2;
      return (pid) => { const p = ctx.process(pid); return !!p && (p.user === v || p.uid === uid); };
    }
    case 'container': {
      const re = globRe(v);
      return (pid) => {
        const c = ctx.process(pid)?.container;
        return !!c && (c.id.startsWith(v) || re.test(c.id) || (c.pod !== undefined && c.pod.startsWith(v)));
      };
    }
  }
}

/**
 * Compiles a filter into a predicate over rows of a SocketTable. Owner terms need `ctx`; without it they
 * match nothing (the CLI refuses them with --no-owners).
 */
export function compileFilter(node: FilterNode | null, ctx?: OwnerContext): Predicate {
  if (!node) return () => true;
  switch (node.kind) {
    case 'owner': {
      if (!ctx) return () => false;
      const match = ownerMatcher(node, ctx);
      return (t, i) => {
        const who = ctx.owners(t.inode[i]);
        if (typeof who === 'string') return false;
        for (const pid of who) if (match(pid)) return true;
        return false;
      };
    }
    case 'state': {
      const set = new Uint8Array(STATE_SLOTS);
      for (const c of node.codes) set[c] = 1;
      return (t, i) => set[t.state[i]] === 1;
    }
    case 'family': {
      const f = node.family;
      return (t, i) => t.family[i] === f;
    }
    case 'port': {
      const { op, port } = node;
      if (node.end === 'local') return (t, i) => cmp(op, t.lport[i], port);
      if (node.end === 'remote') return (t, i) => cmp(op, t.rport[i], port);
      return (t, i) => cmp(op, t.lport[i], port) || cmp(op, t.rport[i], port);
    }
    case 'addr': {
      const n = node;
      if (n.end === 'local') return (t, i) => addrMatch(n, t.family[i], t.laddr, i * 4);
      if (n.end === 'remote') return (t, i) => addrMatch(n, t.family[i], t.raddr, i * 4);
      return (t, i) => addrMatch(n, t.family[i], t.laddr, i * 4) || addrMatch(n, t.family[i], t.raddr, i * 4);
    }
    case 'not': {
      const x = compileFilter(node.x, ctx);
      return (t, i) => !x(t, i);
    }
    case 'and': {
      // a loop over the operands: a chain of thousands of terms is one call deep, not thousands
      const ps = node.xs.map((x) => compileFilter(x, ctx));
      if (ps.length === 2) {
        const [a, b] = ps;
        return (t, i) => a(t, i) && b(t, i);
      }
      return (t, i) => {
        for (let k = 0; k < ps.length; k++) if (!ps[k](t, i)) return false;
        return true;
      };
    }
    case 'or': {
      const ps = node.xs.map((x) => compileFilter(x, ctx));
      if (ps.length === 2) {
        const [a, b] = ps;
        return (t, i) => a(t, i) || b(t, i);
      }
      return (t, i) => {
        for (let k = 0; k < ps.length; k++) if (ps[k](t, i)) return true;
        return false;
      };
    }
  }
}
