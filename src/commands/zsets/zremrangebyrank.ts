import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { removeRange } from './remrange.js';

export const zremrangebyrank = {
  kind: 'data',
  name: 'zremrangebyrank',
  arity: 4,
  flags: ['write'],
  categories: ['@write', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.',
  group: 'sorted-set',
  since: '2.0.0',
  syntax: 'key start stop',
  apply: (db, args, env) => removeRange(db, args, env, 'rank'),
} as const satisfies DataCommandSpec;
