import { INT64_MIN, parseInt64 } from '../../store/numbers.js';
import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { incrementBy } from './incr-generic.js';

const DECREMENT_OVERFLOW = new ErrorReply('ERR decrement would overflow');

export const decrby = {
  kind: 'data',
  name: 'decrby',
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
    "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
  group: 'string',
  since: '1.0.0',
  syntax: 'key decrement',
  apply(db, args, env) {
    const delta = parseInt64(args[2] as string);
    if (delta === undefined) return NOT_INTEGER;
    // -LLONG_MIN does not fit in int64.
    if (delta === INT64_MIN) return DECREMENT_OVERFLOW;
    return incrementBy(db, args[1] as string, -delta, env.nowMs);
  },
} as const satisfies DataCommandSpec;
