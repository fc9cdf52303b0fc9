import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';

/** Random picks before falling back to a walk for any live key (most keys may be expired). */
const TRIES_MAX = 16;

/**
 * A random live key, chosen with env.rng (deterministic per entry): random slots of the key
 * table, O(1) expected; a walk only when the picks keep landing on expired keys.
 */
export const randomkey = {
  kind: 'data',
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  categories: ['@keyspace', '@read', '@slow'],
  keys: NO_KEYS,
  tips: ['request_policy:all_shards', 'nondeterministic_output'],
  summary: 'Returns a random key name from the database.',
  group: 'generic',
  since: '1.0.0',
  syntax: '',
  apply(db, _args, env) {
    if (db.size === 0) return null;
    for (let attempt = 0; attempt < TRIES_MAX; attempt++) {
      const key = db.data.randomKey(env.rng);
      if (key !== undefined && db.get(key, env.nowMs) !== undefined) return key;
    }
    for (const key of db.data.keys()) {
      if (db.get(key, env.nowMs) !== undefined) return key;
    }
    return null;
  },
} as const satisfies DataCommandSpec;
