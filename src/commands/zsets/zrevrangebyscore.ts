import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { zrangeGeneric } from './range.js';

export const zrevrangebyscore = {
  kind: 'data',
  name: 'zrevrangebyscore',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns members in a sorted set within a range of scores in reverse order.',
  group: 'sorted-set',
  since: '2.2.0',
  syntax: 'key max min [WITHSCORES] [LIMIT offset count]',
  apply: (db, args, env) => zrangeGeneric(db, args, env, 'score', 'reverse'),
} as const satisfies DataCommandSpec;
