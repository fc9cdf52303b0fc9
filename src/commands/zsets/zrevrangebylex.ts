import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { zrangeGeneric } from './range.js';

export const zrevrangebylex = {
  kind: 'data',
  name: 'zrevrangebylex',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns members in a sorted set within a lexicographical range in reverse order.',
  group: 'sorted-set',
  since: '2.8.9',
  syntax: 'key max min [LIMIT offset count]',
  apply: (db, args, env) => zrangeGeneric(db, args, env, 'lex', 'reverse'),
} as const satisfies DataCommandSpec;
