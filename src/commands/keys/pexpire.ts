import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { expireGeneric } from './expire-generic.js';

export const pexpire = {
  kind: 'data',
  name: 'pexpire',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  summary: 'Sets the expiration time of a key in milliseconds.',
  group: 'generic',
  since: '2.6.0',
  syntax: 'key milliseconds [NX | XX | GT | LT]',
  apply: (db, args, env) => expireGeneric(db, args, env, 1, false, 'pexpire'),
} as const satisfies DataCommandSpec;
