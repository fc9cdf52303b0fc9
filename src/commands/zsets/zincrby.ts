import { NOT_FLOAT } from '../errors.js';
import type { DataCommandSpec } from '../spec.js';
import { parseStrictDouble } from '../collections/strtod.js';
import { FIRST_KEY } from '../collections/common.js';
import { addScores } from './zadd.js';

export const zincrby = {
  kind: 'data',
  name: 'zincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    {
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Increments the score of a member in a sorted set.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key increment member',
  apply(db, args, env) {
    const increment = parseStrictDouble(args[2] as string);
    if (increment === undefined) return NOT_FLOAT;
    const flags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: true };
    return addScores(db, args, 2, [increment], flags, env);
  },
} as const satisfies DataCommandSpec;
