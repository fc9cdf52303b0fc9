import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { zrangeGeneric } from './range.js';

export const zrange = {
  kind: 'data',
  name: 'zrange',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns members in a sorted set within a range of indexes.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]',
  apply: (db, args, env) => zrangeGeneric(db, args, env, 'auto', 'auto'),
} as const satisfies DataCommandSpec;
