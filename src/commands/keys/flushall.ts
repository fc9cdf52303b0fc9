import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';
import { flush } from './flushdb.js';

export const flushall = {
  kind: 'data',
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  categories: ['@keyspace', '@write', '@slow', '@dangerous'],
  keys: NO_KEYS,
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  summary: 'Removes all keys from all databases.',
  group: 'server',
  since: '1.0.0',
  syntax: '[ASYNC | SYNC]',
  apply: (db, args) => flush(db, args),
} as const satisfies DataCommandSpec;
