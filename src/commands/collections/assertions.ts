/** Test support: assertions on error replies and on "a rejected command changed nothing". */
import assert from 'node:assert/strict';
import { ErrorReply, type Reply } from '../reply.js';
import type { Harness } from './testing.js';

export function errorText(reply: Reply): string {
  assert.ok(reply instanceof ErrorReply, `not an error: ${JSON.stringify(reply)}`);
  return reply.text;
}

/**
 * Runs a command that must fail with `expected` and checks that nothing changed: keys, values,
 * TTLs, and the WATCH change index of every key the command names.
 */
export function rejects(h: Harness, expected: string, ...args: string[]): void {
  const before = h.dump();
  const keys = args.slice(1);
  const changeIndexes = keys.map((key) => h.db.changeIndex(key));
  assert.equal(errorText(h.run(...args)), expected, args.join(' '));
  assert.deepEqual(h.dump(), before, `keyspace changed by ${args.join(' ')}`);
  assert.deepEqual(
    keys.map((key) => h.db.changeIndex(key)),
    changeIndexes,
    `WATCH index changed by ${args.join(' ')}`,
  );
}
