import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { zrangeGeneric } from './range.js';

export const zrangebyscore = {
  kind: 'data',
  name: 'zrangebyscore',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns members in a sorted set within a range of scores.',
  group: 'sorted-set',
  since: '1.0.5',
  syntax: 'key min max [WITHSCORES] [LIMIT offset count]',
  apply: (db, args, env) => zrangeGeneric(db, args, env, 'score', 'forward'),
} as const satisfies DataCommandSpec;
