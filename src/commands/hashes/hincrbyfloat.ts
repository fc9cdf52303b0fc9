import { NOT_FLOAT } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { formatLongDouble, parseLongDouble } from '../../store/numbers.js';
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
  summary: 'Increments the floating point value of a field by a number.',
  group: 'hash',
  since: '2.6.0',
  syntax: 'key field increment',
  apply(db, args, env) {
    const increment = parseLongDouble(args[3] as string);
    if (increment === undefined) return NOT_FLOAT;
    if (!Number.isFinite(increment)) return INCREMENT_NOT_FINITE;
    const key = args[1] as string;
    const field = args[2] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    const currentText = existing?.fields.get(field);
    const current = currentText === undefined ? 0 : parseLongDouble(currentText);
    if (current === undefined) return HASH_VALUE_NOT_FLOAT;
    const result = current + increment;
    if (!Number.isFinite(result)) return RESULT_NOT_FINITE;
    const text = formatLongDouble(result);
    hashToChange(db, key, existing).fields.set(field, text);
    return text;
  },
} as const satisfies DataCommandSpec;
