import { parseInt64 } from '../../store/numbers.js';
import { NOT_INTEGER } from '../errors.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { incrementBy } from './incr-generic.js';

export const incrby = {
  kind: 'data',
  name: 'incrby',
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
    "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
  group: 'string',
  since: '1.0.0',
  syntax: 'key increment',
  apply(db, args, env) {
    const delta = parseInt64(args[2] as string);
    if (delta === undefined) return NOT_INTEGER;
    return incrementBy(db, args[1] as string, delta, env.nowMs);
  },
} as const satisfies DataCommandSpec;
