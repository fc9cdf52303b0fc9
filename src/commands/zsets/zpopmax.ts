import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { popGeneric } from './pop.js';

export const zpopmax = {
  kind: 'data',
  name: 'zpopmax',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@write', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary:
    'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.',
  group: 'sorted-set',
  since: '5.0.0',
  syntax: 'key [count]',
  apply: (db, args, env) => popGeneric(db, args, env, true),
} as const satisfies DataCommandSpec;
