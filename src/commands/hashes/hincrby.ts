import { NOT_INTEGER, OVERFLOW } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { INT64_MAX, INT64_MIN, int64ToReply, parseInt64 } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { hashToChange, writeHash } from './common.js';

export const HASH_VALUE_NOT_INTEGER = new ErrorReply('ERR hash value is not an integer');

export const hincrby = {
  kind: 'data',
  name: 'hincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@hash', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    {
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Increments the integer value of a field in a hash by a number.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field increment',
  apply(db, args, env) {
    const increment = parseInt64(args[3] as string);
    if (increment === undefined) return NOT_INTEGER;
    const key = args[1] as string;
    const field = args[2] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    const currentText = existing?.fields.get(field);
    const current = currentText === undefined ? 0 : parseInt64(currentText);
    if (current === undefined) return HASH_VALUE_NOT_INTEGER;
    const result = BigInt(current) + BigInt(increment);
    if (result < INT64_MIN || result > INT64_MAX) return OVERFLOW;
    hashToChange(db, key, existing).fields.set(field, result.toString());
    return int64ToReply(result);
  },
} as const satisfies DataCommandSpec;
