import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUtf8Locale, listRows, parseCli, UsageError } from '../src/args.js';

test('defaults: dashboard mode, 1 s, auto source, 600 s of history', () => {
  const c = parseCli([], { LANG: 'en_US.UTF-8' });
  assert.equal(c.mode, 'dashboard');
  assert.equal(c.intervalMs, 1000);
  assert.equal(c.source, 'auto');
  assert.equal(c.historySeconds, 600);
  assert.equal(c.count, 1);
  assert.equal(c.ascii, false);
  assert.equal(c.color, true);
  assert.equal(c.top, undefined);
  assert.equal(c.filterText, null);
});

test('modes and counts', () => {
  assert.equal(parseCli(['--json']).mode, 'json');
  assert.equal(parseCli(['--json', '--count', '5']).count, 5);
  assert.equal(parseCli(['--json', '--watch']).count, Infinity);
  assert.equal(parseCli(['--once']).mode, 'once');
  assert.equal(parseCli(['--count', '2']).mode, 'once');
  assert.equal(parseCli(['-i', '0.1']).intervalMs, 100);
  assert.equal(parseCli(['--interval', '3600']).intervalMs, 3_600_000);
});

test('NO_COLOR and the locale', () => {
  assert.equal(parseCli([], { NO_COLOR: '1', LANG: 'C.UTF-8' }).color, false);
  assert.equal(parseCli(['--no-color'], { LANG: 'C.UTF-8' }).color, false);
  assert.equal(parseCli([], { LANG: 'C' }).ascii, true);
  assert.equal(isUtf8Locale({ LC_ALL: 'C', LANG: 'en_US.UTF-8' }), false);
  assert.equal(isUtf8Locale({ LC_CTYPE: 'de_DE.utf8' }), true);
});

const LONG = 'a'.repeat(100_000);

/** argv → the exact UsageError message. */
const BAD: [string[], string][] = [
  // a negative number after an option reaches the range check
  [['-i', '-1'], '--interval takes a number from 0.1 to 3600, got "-1"'],
  [['--interval', '-1'], '--interval takes a number from 0.1 to 3600, got "-1"'],
  [['--interval=-1'], '--interval takes a number from 0.1 to 3600, got "-1"'],
  [['--count', '-3'], '--count takes a whole number from 1 to 1000000000, got "-3"'],
  [['--top', '-1'], '--top takes a whole number from 0 to 1000000 or "all", got "-1"'],
  [['--pid', '-3'], '--pid takes a whole number from 1 to 4194304, got "-3"'],
  [['--history', '-.5'], '--history takes a whole number from 10 to 86400, got "-.5"'],
  // a flag given a value
  [['--json=1'], '--json takes no value'],
  [['--help=yes'], '--help takes no value'],
  [['--watch='], '--watch takes no value'],
  // an option without its value
  [['-i'], '--interval needs a value'],
  [['--count'], '--count needs a value'],
  [['-i', '--json'], '--interval needs a value'],
  [['-f'], '--filter needs a value'],
  // only plain decimals
  [['-i', '0x10'], '--interval takes a number from 0.1 to 3600, got "0x10"'],
  [['-i', ' 1 '], '--interval takes a number from 0.1 to 3600, got " 1 "'],
  [['-i', '1e1'], '--interval takes a number from 0.1 to 3600, got "1e1"'],
  [['-i', '+1'], '--interval takes a number from 0.1 to 3600, got "+1"'],
  [['-i', 'Infinity'], '--interval takes a number from 0.1 to 3600, got "Infinity"'],
  [['-i', ''], '--interval takes a number from 0.1 to 3600, got ""'],
  [['-i', '0.01'], '--interval takes a number from 0.1 to 3600, got "0.01"'],
  [['--count', '1e3'], '--count takes a whole number from 1 to 1000000000, got "1e3"'],
  [['--count', '2.0'], '--count takes a whole number from 1 to 1000000000, got "2.0"'],
  [['--pid', '0x10'], '--pid takes a whole number from 1 to 4194304, got "0x10"'],
  [['--top', '1.5'], '--top takes a whole number from 0 to 1000000 or "all", got "1.5"'],
  [['--top', 'ALL'], '--top takes a whole number from 0 to 1000000 or "all", got "ALL"'],
  // echoed user text is cut to 40 characters, control characters shown as "?"
  [['-i', '9'.repeat(100_000)], `--interval takes a number from 0.1 to 3600, got "${'9'.repeat(37)}..."`],
  [[`--${LONG}`], `unknown option --${'a'.repeat(35)}...`],
  [['--source', LONG], `--source takes auto, netlink, proc or si, got "${'a'.repeat(37)}..."`],
  [['-i', '1\x1b[2J'], '--interval takes a number from 0.1 to 3600, got "1?[2J"'],
  // the rest
  [['--bogus'], 'unknown option --bogus'],
  [['-x'], 'unknown option -x'],
  [['--source', 'kernel'], '--source takes auto, netlink, proc or si, got "kernel"'],
  [['--history', '5'], '--history takes a whole number from 10 to 86400, got "5"'],
  [['--dashboard', '--json'], '--dashboard cannot be combined with --once, --json, --count or --watch'],
  [['--watch', '--count', '2'], '--watch and --count cannot be combined'],
  [['--diagram'], '--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard'],
  [['--diagram', '--json'], '--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard'],
  [['--diagram', '--once', '--json'], '--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard'],
  [['--diagram', '--check'], '--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard'],
  [['--diagram', '--dashboard'], '--diagram needs --once (or --count / --watch), and not --json, --check or --dashboard'],
];

test('--diagram with the text modes: --once, --count, --watch', () => {
  assert.equal(parseCli(['--once']).diagram, false);
  for (const argv of [['--once', '--diagram'], ['--diagram', '--count', '3'], ['--watch', '--diagram']]) {
    const c = parseCli(argv);
    assert.deepEqual([c.mode, c.diagram], ['once', true], argv.join(' '));
  }
});

for (const [argv, message] of BAD) {
  test(`usage error: ${JSON.stringify(argv).slice(0, 60)}`, () => {
    assert.throws(() => parseCli(argv), (e: unknown) => e instanceof UsageError && e.message === message);
  });
}

/** argv → the filter text the CLI parses. */
const FILTERS: [string[], string | null][] = [
  [['-f', 'estab'], 'estab'],
  [['-f', 'estab', '-f', 'tw'], '(estab) and (tw)'],
  [['-f', 'estab', '--filter', 'tw', 'dport', '=', '80'], '(estab) and (tw) and (dport = 80)'],
  [['-f', 'estab or tw', 'v4'], '(estab or tw) and (v4)'],
  [['-f', ' ', '-f', 'tw'], 'tw'],
  [['sport', '=', '80'], 'sport = 80'],
  [['-f', '-4'], '-4'], // ss's family flag is a filter word; a value that looks like a number is taken
  [[], null],
];

for (const [argv, want] of FILTERS) {
  test(`filter from ${JSON.stringify(argv)}`, () => {
    assert.equal(parseCli(argv).filterText, want);
  });
}

test('plain decimals are accepted', () => {
  assert.equal(parseCli(['-i', '0.5']).intervalMs, 500);
  assert.equal(parseCli(['-i', '2']).intervalMs, 2000);
  assert.equal(parseCli(['--count', '007']).count, 7);
  assert.equal(parseCli(['--pid', '4194304']).pid, 4194304);
});

test('--top: a row count (0 = none) or "all"; each list prints listRows rows', () => {
  assert.equal(parseCli(['--top', '0']).top, 0);
  assert.equal(parseCli(['--top', '5']).top, 5);
  assert.equal(parseCli(['--top', 'all']).top, 'all');
  // the same N in every mode; the default is the mode's
  assert.equal(listRows({ mode: 'json', top: undefined }), 20);
  assert.equal(listRows({ mode: 'once', top: undefined }), 10);
  assert.equal(listRows({ mode: 'json', top: 0 }), 0);
  assert.equal(listRows({ mode: 'once', top: 0 }), 0);
  assert.equal(listRows({ mode: 'json', top: 3 }), 3);
  assert.equal(listRows({ mode: 'once', top: 'all' }), Infinity);
  assert.equal(listRows({ mode: 'json', top: 'all' }), Infinity);
});

test('--ssh: repeatable and comma lists; --ssh-command split like a shell', async () => {
  const { splitCommand } = await import('../src/args.js');
  const c = parseCli(['--json', '--ssh', 'a@h1,h2', '--ssh', ' h3 ', '--ssh-command', `ssh -p 2222 -i '/k ey' -o "ProxyJump=j\\"x"`]);
  assert.deepEqual(c.ssh, ['a@h1', 'h2', 'h3']);
  assert.deepEqual(c.sshCommand, ['ssh', '-p', '2222', '-i', '/k ey', '-o', 'ProxyJump=j"x']);
  assert.deepEqual(parseCli([]).ssh, []);
  assert.deepEqual(parseCli(['--ssh', 'h']).sshCommand, ['ssh']);
  assert.deepEqual(splitCommand('a\\ b  c'), ['a b', 'c']);
  assert.deepEqual(splitCommand("x ''"), ['x', '']);
});

test('--ssh: bad destinations and combinations are usage errors', () => {
  for (const [args, re] of [
    [['--ssh', ','], /--ssh needs a destination/],
    [['--ssh=-oProxyCommand=x'], /--ssh takes \[user@\]host/],
    [['--ssh', '-oProxyCommand=x'], /--ssh needs a value/],
    [['--ssh', 'a b'], /--ssh takes/],
    [['--ssh-command', 'ssh'], /--ssh-command needs --ssh/],
    [['--ssh', 'h', '--ssh-command', "ssh 'x"], /unterminated ' quote/],
    [['--ssh', 'h', '--ssh-command', '  '], /--ssh-command is empty/],
    [['--ssh', 'h', '--pid', '1'], /--ssh cannot be combined with --pid/],
    [['--ssh', 'h', '--all-netns'], /--ssh cannot be combined with --all-netns/],
    [['--ssh', 'h', '--source', 'proc'], /--ssh cannot be combined with --source/],
    [['--ssh', 'h', '--check'], /--ssh cannot be combined with --check/],
  ] as [string[], RegExp][]) {
    assert.throws(() => parseCli(args), (e: Error) => e instanceof UsageError && re.test(e.message), args.join(' '));
  }
});

test('--record, --record-max (K, M, G are 1024s; default 100M), --replay', () => {
  const c = parseCli(['--json', '--record', 'rec.ndjson']);
  assert.equal(c.record, 'rec.ndjson');
  assert.equal(c.recordMaxBytes, 104_857_600);
  assert.equal(c.replay, null);
  assert.equal(parseCli(['--record', 'f', '--record-max', '2K']).recordMaxBytes, 2048);
  assert.equal(parseCli(['--record', 'f', '--record-max', '5m']).recordMaxBytes, 5_242_880);
  assert.equal(parseCli(['--record', 'f', '--record-max', '1G']).recordMaxBytes, 1_073_741_824);
  assert.equal(parseCli(['--record', 'f', '--record-max', '4096']).recordMaxBytes, 4096);
  for (const bad of ['1023', '0', '1.5M', '-1', '2T', 'M', '1025G']) {
    assert.throws(() => parseCli(['--record', 'f', '--record-max', bad]), UsageError, bad);
  }
  const r = parseCli(['--replay', 'rec.ndjson', '--json', '--top', '5', '--history', '60']);
  assert.deepEqual([r.replay, r.mode, r.top, r.historySeconds, r.record], ['rec.ndjson', 'json', 5, 60, null]);
  assert.equal(parseCli(['--replay', 'rec.ndjson']).mode, 'dashboard');
  assert.throws(() => parseCli(['--replay', 'r', '--interval', '2']), /--replay cannot be combined with --interval/);
  assert.throws(() => parseCli(['--replay', 'r', '--all-netns']), /--replay cannot be combined with --all-netns/);
  assert.throws(() => parseCli(['--record', '']), /--record needs a file name/);
  assert.throws(() => parseCli(['--replay', 'r', '--warn', 'tw > 1']), /--replay cannot be combined with --warn \(a replay shows the alerts recorded\)/);
});

test('--serve [ADDR:]PORT: loopback by default, IPv4 and bracketed IPv6; alone it is its own mode, with --dashboard beside it', () => {
  assert.deepEqual(parseCli(['--serve', '9100']).serve, { host: '127.0.0.1', port: 9100 });
  assert.deepEqual(parseCli(['--serve', '0.0.0.0:9100']).serve, { host: '0.0.0.0', port: 9100 });
  assert.deepEqual(parseCli(['--serve', '[::1]:9100']).serve, { host: '::1', port: 9100 });
  assert.deepEqual(parseCli(['--serve', '[::]:65535']).serve, { host: '::', port: 65535 });
  assert.equal(parseCli([]).serve, null);
  assert.equal(parseCli(['--serve', '9100']).mode, 'serve');
  assert.equal(parseCli(['--serve', '9100', '-f', 'tw', '-i', '5']).mode, 'serve');
  const beside = parseCli(['--serve', '9100', '--dashboard']);
  assert.equal(beside.mode, 'dashboard');
  assert.deepEqual(beside.serve, { host: '127.0.0.1', port: 9100 });
  // --top is the ports exported per state
  assert.equal(parseCli(['--serve', '9100', '--top', '0']).top, 0);
  assert.equal(parseCli(['--serve', '9100', '--top', '1000']).top, 1000);
});

test('--serve: bad addresses and combinations, one message each', () => {
  const cases: [string[], string][] = [
    [['--serve', ':9100'], '--serve needs an address before ":" (0.0.0.0:9100 for every interface), got ":9100"'],
    [['--serve', '0'], '--serve takes a port from 1 to 65535, got "0"'],
    [['--serve', '65536'], '--serve takes a port from 1 to 65535, got "65536"'],
    [['--serve', 'localhost:9100'], '--serve takes an IP address (127.0.0.1, 0.0.0.0, [::1]), got "localhost:9100"'],
    [['--serve', '::1:9100'], '--serve takes an IP address (127.0.0.1, 0.0.0.0, [::1]), got "::1:9100"'],
    [['--serve', '[::1]'], '--serve takes [ADDR:]PORT (9100, 127.0.0.1:9100, [::1]:9100), got "[::1]"'],
    [['--serve', '[127.0.0.1]:9100'], '--serve: not an IPv6 address: 127.0.0.1'],
    [['--serve', '1.2.3:9100'], '--serve takes an IP address (127.0.0.1, 0.0.0.0, [::1]), got "1.2.3:9100"'],
    [['--serve', '127.0.0.1:http'], '--serve takes a port from 1 to 65535, got "127.0.0.1:http"'],
    [['--serve'], '--serve needs a value'],
    [['--serve', '9100', '--once'], '--serve cannot be combined with --once, --json, --count, --watch or --check'],
    [['--serve', '9100', '--json'], '--serve cannot be combined with --once, --json, --count, --watch or --check'],
    [['--serve', '9100', '--watch'], '--serve cannot be combined with --once, --json, --count, --watch or --check'],
    [['--serve', '9100', '--check'], '--serve cannot be combined with --once, --json, --count, --watch or --check'],
    [['--serve', '9100', '--top', 'all'], '--top with --serve takes a whole number from 0 to 1000 (ports per state), got "all"'],
    [['--serve', '9100', '--top', '1001'], '--top with --serve takes a whole number from 0 to 1000 (ports per state), got "1001"'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseCli(argv), (e: unknown) => e instanceof UsageError && e.message === message, argv.join(' '));
  }
});
