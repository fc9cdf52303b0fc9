import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { setexGeneric } from './setex-generic.js';

export const setex = {
  kind: 'data',
  name: 'setex',
  arity: 4,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEY_1,
  keySpecs: [
    { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
  group: 'string',
  since: '2.0.0',
  syntax: 'key seconds value',
  apply: (db, args, env) => setexGeneric(db, args, env, 1000, 'setex'),
} as const satisfies DataCommandSpec;
