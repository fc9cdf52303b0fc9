import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { ttlGeneric } from './ttl-generic.js';

export const ttl = {
  kind: 'data',
  name: 'ttl',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: KEY_1,
  tips: ['nondeterministic_output'],
  summary: 'Returns the expiration time in seconds of a key.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key',
  apply: (db, args, env) => ttlGeneric(db, args[1] as string, env, false, false),
} as const satisfies DataCommandSpec;
