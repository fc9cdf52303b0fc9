import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { expireGeneric } from './expire-generic.js';

export const pexpireat = {
  kind: 'data',
  name: 'pexpireat',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  summary: 'Sets the expiration time of a key to a Unix milliseconds timestamp.',
  group: 'generic',
  since: '2.6.0',
  syntax: 'key unix-time-milliseconds [NX | XX | GT | LT]',
  apply: (db, args, env) => expireGeneric(db, args, env, 1, true, 'pexpireat'),
} as const satisfies DataCommandSpec;
