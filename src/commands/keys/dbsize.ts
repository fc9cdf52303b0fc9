import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';

/** Keys held, including expired ones not yet removed (as Redis' DBSIZE). */
export const dbsize = {
  kind: 'data',
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: NO_KEYS,
  tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
  summary: 'Returns the number of keys in the database.',
  group: 'server',
  since: '1.0.0',
  syntax: '',
  apply: (db) => db.size,
} as const satisfies DataCommandSpec;
