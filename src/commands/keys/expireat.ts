import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { expireGeneric } from './expire-generic.js';

export const expireat = {
  kind: 'data',
  name: 'expireat',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  summary: 'Sets the expiration time of a key to a Unix timestamp.',
  group: 'generic',
  since: '1.2.0',
  syntax: 'key unix-time-seconds [NX | XX | GT | LT]',
  apply: (db, args, env) => expireGeneric(db, args, env, 1000, true, 'expireat'),
} as const satisfies DataCommandSpec;
