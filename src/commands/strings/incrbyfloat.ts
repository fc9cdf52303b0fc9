import { addLongDoubleText } from '../../store/long-double.js';
import { NOT_FLOAT } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { writableString } from './common.js';
import { EMBSTR_BYTES_MAX } from '../keys/object.js';

const NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');

/**
 * Redis incrbyfloatCommand: type, then the stored value, then the increment, computed in
 * emulated 80-bit long doubles as Redis does (src/store/long-double.ts); the result is stored
 * and answered as Redis prints it. The key keeps its TTL.
 */
export const incrbyfloat = {
  kind: 'data',
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    {
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary:
    "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
  group: 'string',
  since: '2.6.0',
  syntax: 'key increment',
  apply(db, args, env) {
    const key = args[1] as string;
    const current = writableString(db, key, env.nowMs);
    if (current instanceof ErrorReply) return current;
    const sum = addLongDoubleText(current, args[2] as string);
    if (!sum.ok) return sum.error === 'nan-or-infinity' ? NAN_OR_INFINITY : NOT_FLOAT;
    const text = sum.text;
    db.put(key, text);
    // Redis stores the printed result as a plain string object, never int-encoded (`11`).
    if (text.length <= EMBSTR_BYTES_MAX) db.setStringEncoding(key, 'embstr');
    return text;
  },
} as const satisfies DataCommandSpec;
