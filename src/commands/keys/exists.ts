import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from './args.js';

/** Counts live keys; a key named twice counts twice, as in Redis. */
export const exists = {
  kind: 'data',
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: KEYS_ALL,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  summary: 'Determines whether one or more keys exist.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key [key ...]',
  apply(db, args, env) {
    let count = 0;
    for (let i = 1; i < args.length; i++) {
      if (db.get(args[i] as string, env.nowMs) !== undefined) count++;
    }
    return count;
  },
} as const satisfies DataCommandSpec;
