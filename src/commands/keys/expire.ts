import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { expireGeneric } from './expire-generic.js';

export const expire = {
  kind: 'data',
  name: 'expire',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  summary: 'Sets the expiration time of a key in seconds.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key seconds [NX | XX | GT | LT]',
  apply: (db, args, env) => expireGeneric(db, args, env, 1000, false, 'expire'),
} as const satisfies DataCommandSpec;
