import type { DataCommandSpec } from '../spec.js';
import { TWO_KEYS } from '../collections/common.js';
import { move } from './lmove.js';

export const rpoplpush = {
  kind: 'data',
  name: 'rpoplpush',
  arity: 3,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@list', '@slow'],
  keys: TWO_KEYS,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.',
  group: 'list',
  since: '1.2.0',
  syntax: 'source destination',
  apply: (db, args, env) => move(db, args[1] as string, args[2] as string, false, true, env),
} as const satisfies DataCommandSpec;
