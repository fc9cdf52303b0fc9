import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { zrangeGeneric } from './range.js';

export const zrevrange = {
  kind: 'data',
  name: 'zrevrange',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns members in a sorted set within a range of indexes in reverse order.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key start stop [WITHSCORES]',
  apply: (db, args, env) => zrangeGeneric(db, args, env, 'rank', 'reverse'),
} as const satisfies DataCommandSpec;
