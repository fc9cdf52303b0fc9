import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { setexGeneric } from './setex-generic.js';

export const psetex = {
  kind: 'data',
  name: 'psetex',
  arity: 4,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEY_1,
  keySpecs: [
    { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
  group: 'string',
  since: '2.6.0',
  syntax: 'key milliseconds value',
  apply: (db, args, env) => setexGeneric(db, args, env, 1, 'psetex'),
} as const satisfies DataCommandSpec;
