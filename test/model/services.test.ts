import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServices } from '../../src/model/services.js';

test('/etc/services: tcp ports and names, aliases, comments', () => {
  const s = parseServices('# c\nhttp 80/tcp www # WorldWideWeb\nhttp 80/udp\npostgresql 5432/tcp postgres\ndomain 53/udp\n');
  assert.equal(s.nameOf(80), 'http');
  assert.equal(s.portOf('www'), 80);
  assert.equal(s.portOf('Postgres'), 5432);
  assert.equal(s.nameOf(53), undefined);
});
