import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../collections/testing.js';
import { keysCommands } from './index.js';
import { stringsCommands } from '../strings/index.js';
import { OK } from '../reply.js';

// Regression: an expiry at the int64 limit made PEXPIRETIME/PTTL answer an unsafe integer, and
// the encoder's assertion took the whole server down. Replies beyond 2^53 are bigints now.
test('TTL family answers int64 integers for expiries near the int64 limit', () => {
  const h = new Harness(keysCommands, stringsCommands);
  assert.equal(h.run('SET', 'big', 'v', 'PXAT', '9223372036854775807'), OK);
  assert.equal(h.run('PEXPIRETIME', 'big'), 9223372036854775807n);
  for (const command of ['PTTL', 'TTL', 'EXPIRETIME']) {
    const reply = h.run(command, 'big');
    assert.ok(
      typeof reply === 'bigint' || Number.isSafeInteger(reply),
      `${command}: ${String(reply)}`,
    );
    assert.ok(BigInt(reply as bigint | number) > 0n);
  }
});
