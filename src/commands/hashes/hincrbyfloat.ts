import { NOT_FLOAT } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { addLongDoubleText, parseLongDoubleExact } from '../../store/long-double.js';
import { FIRST_KEY } from '../collections/common.js';
import { hashToChange, writeHash } from './common.js';

export const HASH_VALUE_NOT_FLOAT = new ErrorReply('ERR hash value is not a float');
export const INCREMENT_NOT_FINITE = new ErrorReply('ERR value is NaN or Infinity');
export const RESULT_NOT_FINITE = new ErrorReply('ERR increment would produce NaN or Infinity');

export const hincrbyfloat = {
  kind: 'data',
  name: 'hincrbyfloat',
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
  summary: 'Increments the floating point value of a field by a number.',
  group: 'hash',
  since: '2.6.0',
  syntax: 'key field increment',
  apply(db, args, env) {
    // As Redis: the increment is checked before the key, in 80-bit long double arithmetic.
    const increment = parseLongDoubleExact(args[3] as string);
    if (increment === undefined) return NOT_FLOAT;
    if (typeof increment === 'symbol') return INCREMENT_NOT_FINITE;
    const key = args[1] as string;
    const field = args[2] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    const sum = addLongDoubleText(existing?.fields.get(field) ?? null, args[3] as string);
    if (!sum.ok) return sum.error === 'value' ? HASH_VALUE_NOT_FLOAT : RESULT_NOT_FINITE;
    const text = sum.text;
    hashToChange(db, key, existing).fields.set(field, text);
    return text;
  },
} as const satisfies DataCommandSpec;
