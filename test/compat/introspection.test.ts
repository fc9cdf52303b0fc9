/**
 * Introspection replies against a real server process, byte for byte as Redis 7.2 answers
 * them: COMMAND INFO / GETKEYS key specifications, INFO errorstats, CLIENT INFO flags, CONFIG
 * GET names, TIME's microseconds, OBJECT ENCODING of strings, and OBJECT's subcommands
 * checked while MULTI queues.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wireSession } from './wire-cases.js';

const wire = wireSession();

test('TIME answers real microseconds', async () => {
  const fractions = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const reply = await wire.reply('TIME');
    const match = /^\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n(\d{1,6})\r\n$/.exec(reply);
    assert.ok(match !== null, reply);
    fractions.add((match[1] ?? '').padStart(6, '0').slice(3));
  }
  assert.ok(
    [...fractions].some((last) => last !== '000'),
    'five readings all whole milliseconds',
  );
});
