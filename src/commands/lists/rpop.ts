import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { pop } from './common.js';

export const rpop = {
  kind: 'data',
  name: 'rpop',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@write', '@list', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary:
    'Returns the last elements in a list after removing it. Deletes the list if the last element was popped.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key [count]',
  apply: (db, args, env) => pop(db, args, env, false, 'rpop'),
} as const satisfies DataCommandSpec;
