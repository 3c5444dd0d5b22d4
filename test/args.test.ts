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
];

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
