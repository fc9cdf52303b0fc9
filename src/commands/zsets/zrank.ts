import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { rankGeneric } from './rank.js';

export const zrank = {
  kind: 'data',
  name: 'zrank',
  arity: -3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the index of a member in a sorted set ordered by ascending scores.',
  group: 'sorted-set',
  since: '2.0.0',
  syntax: 'key member [WITHSCORE]',
  apply: (db, args, env) => rankGeneric(db, args, env, false, 'zrank'),
} as const satisfies DataCommandSpec;
