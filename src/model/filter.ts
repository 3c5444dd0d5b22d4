/**
 * The filter language: ss's words, so an ss user already knows it.
 *
 *   expr   := or
 *   or     := and (("or" | "||") and)*
 *   and    := unary (("and" | "&&")? unary)*          juxtaposition means "and", as in ss
 *   unary  := ("not" | "!") unary | "(" expr ")" | term
 *   term   := STATE | "state" STATE | GROUP            established, estab, time-wait, tw, SYN_RECV, ...
 *           | ("sport" | "dport" | "port") [OP] PORT    OP: = == eq != ne < lt > gt <= le >= ge; PORT: 80, :80, :https
 *           | ("src" | "dst" | "addr") [=] ADDR        127.0.0.1, 10.0.0.0/8, ::1, [::1], 127.0.0.1:8080, [::1]:443
 *           | "v4" | "ipv4" | "v6" | "ipv6"
 *
 * sport/src are the local end, dport/dst the remote end, port/addr either. An IPv4 term also matches
 * IPv4-mapped addresses (::ffff:a.b.c.d) on dual-stack IPv6 sockets.
 */

import { isMapped, parseAddress, parseV4, type Words } from './address.js';
import { STATE_SLOTS, stateCodeOf, TCP_STATES } from './states.js';
import type { SocketTable } from './table.js';

/** The longest filter accepted, in characters. */
export const MAX_FILTER_LENGTH = 8192;

export type PortOp = '=' | '!=' | '<' | '>' | '<=' | '>=';
type End = 'local' | 'remote' | 'either';

export type FilterNode =
  | { kind: 'state'; codes: number[] }
  | { kind: 'port'; end: End; op: PortOp; port: number }
  | { kind: 'addr'; end: End; family: 4 | 6; words: Words; prefix: number }
  | { kind: 'family'; family: 4 | 6 }
  | { kind: 'not'; x: FilterNode }
  | { kind: 'and' | 'or'; a: FilterNode; b: FilterNode };

export class FilterError extends Error {
  /** `what` says what was expected or wrong; token and column say where ('' and the end for "ended"). */
  constructor(readonly what: string, readonly token: string, readonly column: number, ended = false) {
    super(ended ? `${what}, but the expression ended` : `${what}, got "${token}" at column ${column}`);
    this.name = 'FilterError';
  }

  /** The place first, for a narrow prompt line: '"bogus" at column 11: expected a state, ...'. */
  get short(): string {
    return this.token ? `"${this.token}" at column ${this.column}: ${this.what}` : `${this.what}, but the expression ended`;
  }
}

interface Token {
  text: string;
  column: number; // 1-based
}

const TOKEN_RE = /\s*(\(|\)|!=|==|<=|>=|=|<|>|&&|\|\||!|[^\s()!=<>&|]+)/y;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(src);
    if (!m) {
      const col = pos + (src.slice(pos).length - src.slice(pos).trimStart().length) + 1;
      throw new FilterError('unexpected character', src[col - 1], col);
    }
    out.push({ text: m[1], column: m.index + m[0].length - m[1].length + 1 });
    pos = TOKEN_RE.lastIndex;
  }
  return out;
}

const ALL_STATES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** ss's state groups. */
const GROUPS: Record<string, number[]> = {
  all: ALL_STATES,
  connected: ALL_STATES.filter((c) => c !== 10 && c !== 7),
  synchronized: ALL_STATES.filter((c) => c !== 10 && c !== 7 && c !== 2),
  bucket: [3, 6],
  big: ALL_STATES.filter((c) => c !== 3 && c !== 6),
};

const OPS: Record<string, PortOp> = {
  '=': '=', '==': '=', eq: '=',
  '!=': '!=', ne: '!=', neq: '!=',
  '<': '<', lt: '<',
  '>': '>', gt: '>',
  '<=': '<=', le: '<=', leq: '<=',
  '>=': '>=', ge: '>=', geq: '>=',
};

const PORT_WORDS: Record<string, End> = { sport: 'local', dport: 'remote', port: 'either' };
const ADDR_WORDS: Record<string, End> = { src: 'local', dst: 'remote', addr: 'either', host: 'either' };
const FAMILY_WORDS: Record<string, 4 | 6> = { v4: 4, ipv4: 4, inet: 4, '-4': 4, v6: 6, ipv6: 6, inet6: 6, '-6': 6 };

/** The words the parser knows, grouped for the help screen (built from the parser's own tables). */
export function filterVocabulary(): { what: string; words: string[] }[] {
  return [
    { what: 'states', words: [...TCP_STATES.flatMap((st) => st.aliases), 'state X', 'exclude X'] },
    { what: 'groups', words: Object.keys(GROUPS) },
    { what: 'ports', words: [...Object.keys(PORT_WORDS).map((w) => `${w} [OP] N|:N|:name`), `OP: ${[...new Set(Object.keys(OPS))].join(' ')}`] },
    { what: 'addresses', words: [...Object.keys(ADDR_WORDS).map((w) => `${w} ADDR[/PREFIX][:PORT]`)] },
    { what: 'families', words: Object.keys(FAMILY_WORDS) },
    { what: 'logic', words: ['and (or a space)', 'or', 'not', '!', '&&', '||', '( )'] },
  ];
}

export interface ParseOptions {
  /** Resolves a service name (https) to a port number; from /etc/services. */
  resolvePort?: (name: string) => number | undefined;
}

/** Parses a filter expression; an empty or blank one gives null (match everything). */
export function parseFilter(src: string, opts: ParseOptions = {}): FilterNode | null {
  const toks = tokenize(src);
  if (toks.length === 0) return null;
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const lower = (t: Token | undefined) => t?.text.toLowerCase();
  const fail = (t: Token | undefined, what: string): never => {
    if (!t) throw new FilterError(what, '', src.length + 1, true);
    throw new FilterError(what, t.text, t.column);
  };

  const parseOr = (): FilterNode => {
    let a = parseAnd();
    while (lower(peek()) === 'or' || peek()?.text === '||') {
      i++;
      a = { kind: 'or', a, b: parseAnd() };
    }
    return a;
  };
  const startsTerm = (t: Token | undefined) =>
    t !== undefined && t.text !== ')' && t.text !== '||' && lower(t) !== 'or';
  const parseAnd = (): FilterNode => {
    let a = parseUnary();
    for (;;) {
      const t = peek();
      if (lower(t) === 'and' || t?.text === '&&') {
        i++;
        a = { kind: 'and', a, b: parseUnary() };
      } else if (startsTerm(t)) {
        a = { kind: 'and', a, b: parseUnary() };
      } else return a;
    }
  };
  const parseUnary = (): FilterNode => {
    const t = peek();
    if (lower(t) === 'not' || t?.text === '!') {
      i++;
      return { kind: 'not', x: parseUnary() };
    }
    if (t?.text === '(') {
      i++;
      const x = parseOr();
      if (peek()?.text !== ')') fail(peek(), `expected ")" to close the "(" at column ${t.column}`);
      i++;
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
    if (w === 'state' || w === 'exclude') {
      const s = toks[i++];
      const codes = s ? stateCodes(s.text) : undefined;
      if (!codes) return fail(s, `expected a state name after "${t.text}"`);
      const node: FilterNode = { kind: 'state', codes };
      return w === 'exclude' ? { kind: 'not', x: node } : node;
    }
    const codes = stateCodes(t.text);
    if (codes) return { kind: 'state', codes };
    if (w in FAMILY_WORDS) return { kind: 'family', family: FAMILY_WORDS[w] };
    if (w in PORT_WORDS) {
      let op: PortOp = '=';
      const o = lower(peek());
      if (o !== undefined && o in OPS) {
        op = OPS[o];
        i++;
      }
      return { kind: 'port', end: PORT_WORDS[w], op, port: parsePort(t) };
    }
    if (w in ADDR_WORDS) {
      const end = ADDR_WORDS[w];
      if (peek()?.text === '=' || peek()?.text === '==') i++;
      const a = toks[i++];
      if (!a) return fail(a, `expected an address after "${t.text}"`);
      return parseAddrTerm(a, end, fail);
    }
    return fail(t, 'expected a state, port, address or family');
  };

  const root = parseOr();
  if (i < toks.length) fail(toks[i], toks[i].text === ')' ? 'unmatched ")"' : 'expected "and", "or" or the end');
  return root;
}

function stateCodes(word: string): number[] | undefined {
  const w = word.toLowerCase();
  if (w in GROUPS) return GROUPS[w];
  const c = stateCodeOf(w);
  return c ? [c] : undefined;
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
  const portEnd = end;
  return { kind: 'and', a: node, b: { kind: 'port', end: portEnd, op: '=', port } };
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

/** Compiles a filter into a predicate over rows of a SocketTable. */
export function compileFilter(node: FilterNode | null): Predicate {
  if (!node) return () => true;
  switch (node.kind) {
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
      const x = compileFilter(node.x);
      return (t, i) => !x(t, i);
    }
    case 'and': {
      const a = compileFilter(node.a), b = compileFilter(node.b);
      return (t, i) => a(t, i) && b(t, i);
    }
    case 'or': {
      const a = compileFilter(node.a), b = compileFilter(node.b);
      return (t, i) => a(t, i) || b(t, i);
    }
  }
}
