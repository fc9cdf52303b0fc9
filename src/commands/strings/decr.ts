import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { incrementBy } from './incr-generic.js';

export const decr = {
  kind: 'data',
  name: 'decr',
  arity: 2,
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
    "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
  group: 'string',
  since: '1.0.0',
  syntax: 'key',
  apply: (db, args, env) => incrementBy(db, args[1] as string, -1, env.nowMs),
} as const satisfies DataCommandSpec;
