import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { ttlGeneric } from './ttl-generic.js';

export const pexpiretime = {
  kind: 'data',
  name: 'pexpiretime',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: KEY_1,
  summary: 'Returns the expiration time of a key as a Unix milliseconds timestamp.',
  group: 'generic',
  since: '7.0.0',
  syntax: 'key',
  apply: (db, args, env) => ttlGeneric(db, args[1] as string, env, true, true),
} as const satisfies DataCommandSpec;
