import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from './args.js';

/** Counts live keys. We keep no access times, so touching changes nothing else. */
export const touch = {
  kind: 'data',
  name: 'touch',
  arity: -2,
  flags: ['readonly', 'fast'],
  categories: ['@keyspace', '@read', '@fast'],
  keys: KEYS_ALL,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } }],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  summary:
    'Returns the number of existing keys out of those specified after updating the time they were last accessed.',
  group: 'generic',
  since: '3.2.1',
  syntax: 'key [key ...]',
  apply(db, args, env) {
    let count = 0;
    for (let i = 1; i < args.length; i++) {
      if (db.get(args[i] as string, env.nowMs) !== undefined) count++;
    }
    return count;
  },
} as const satisfies DataCommandSpec;
