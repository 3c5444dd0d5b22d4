import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { Help, helpLines } from '../../../src/ui/components/Help.js';
import { ThemeContext } from '../../../src/ui/theme.js';

const flat = (lines: { text: string }[]) => lines.map((l) => l.text.trim()).join(' ').replace(/\s+/g, ' ');

test('at 80 columns every line fits and nothing is cut: long meanings and hints wrap', () => {
  const lines = helpLines(80, false);
  for (const l of lines) assert.ok(l.text.length <= 80, `${l.text.length}: ${l.text}`);
  const text = flat(lines);
  assert.ok(!text.includes('…'));
  // the longest hints, whole
  assert.ok(text.includes('→ A storm = many short connections closed by this side; it ties up ephemeral ports to one backend. Use keep-alive / pooling.'));
  assert.ok(text.includes('→ Piling up = the local application leaks sockets (missing close); the port it counts under is the leaker.'));
  assert.ok(text.includes('Hundreds on one listener = SYN flood or a slow accept queue; check SYN cookies and ListenDrops.'));
  // a wrapped line continues under the text, not under the key column
  const i = lines.findIndex((l) => l.text.includes('A storm = many'));
  assert.match(lines[i + 1].text, /^ {15}\S/);
});

test('the keys, the three tables of Tab, and every filter word the parser knows', () => {
  const text = flat(helpLines(80, false));
  assert.ok(text.includes('Tab next table: service ports → remote hosts → remote host:port'));
  assert.ok(text.includes('PgDn one page down'));
  for (const w of ['exclude X', 'big', 'bucket', 'connected', 'synchronized', 'host ADDR', 'sport [OP]', 'dport [OP]', 'src ADDR', 'dst ADDR', 'v4', 'ipv6', 'cw', 'tw', 'estab', 'last-ack', 'syn-recv', 'fin-wait-2']) {
    assert.ok(text.includes(w), w);
  }
});

test('ASCII help has no glyph outside ASCII', () => {
  for (const l of helpLines(80, true)) assert.match(l.text, /^[\x20-\x7e]*$/, l.text);
  assert.ok(flat(helpLines(80, true)).includes('service ports -> remote hosts -> remote host:port'));
});

test('the help screen shows one page of height-1 lines and where it is', () => {
  const lines = helpLines(80, false);
  const { lastFrame } = render(
    <ThemeContext.Provider value={{ color: false, ascii: false }}>
      <Help lines={lines} scroll={3} height={24} width={80} />
    </ThemeContext.Provider>,
  );
  const f = (lastFrame() ?? '').split('\n');
  assert.equal(f.length, 24);
  assert.equal(f[0].trimEnd(), lines[3].text.trimEnd());
  assert.match(f[23], new RegExp(`^ help 4-26/${lines.length} `));
});
