import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { removeRange } from './remrange.js';

export const zremrangebylex = {
  kind: 'data',
  name: 'zremrangebylex',
  arity: 4,
  flags: ['write'],
  categories: ['@write', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.',
  group: 'sorted-set',
  since: '2.8.9',
  syntax: 'key min max',
  apply: (db, args, env) => removeRange(db, args, env, 'lex'),
} as const satisfies DataCommandSpec;
