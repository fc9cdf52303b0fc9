import { formatLongDouble, parseLongDouble } from '../../store/numbers.js';
import { NOT_FLOAT } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { writableString } from './common.js';

const NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');

/**
 * Redis incrbyfloatCommand: type, then the stored value, then the increment; the result is
 * stored and answered as Redis formats it (fixed notation, trailing zeros removed). The key
 * keeps its TTL.
 */
export const incrbyfloat = {
  kind: 'data',
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  summary:
    "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
  group: 'string',
  since: '2.6.0',
  syntax: 'key increment',
  apply(db, args, env) {
    const key = args[1] as string;
    const current = writableString(db, key, env.nowMs);
    if (current instanceof ErrorReply) return current;
    const value = current === null ? 0 : parseLongDouble(current);
    if (value === undefined) return NOT_FLOAT;
    const increment = parseLongDouble(args[2] as string);
    if (increment === undefined) return NOT_FLOAT;
    const sum = value + increment;
    if (!Number.isFinite(sum)) return NAN_OR_INFINITY;
    const text = formatLongDouble(sum);
    db.put(key, text);
    return text;
  },
} as const satisfies DataCommandSpec;
