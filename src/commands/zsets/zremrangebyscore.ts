import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { removeRange } from './remrange.js';

export const zremrangebyscore = {
  kind: 'data',
  name: 'zremrangebyscore',
  arity: 4,
  flags: ['write'],
  categories: ['@write', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key min max',
  apply: (db, args, env) => removeRange(db, args, env, 'score'),
} as const satisfies DataCommandSpec;
