import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';

/** Random picks before falling back to a walk for any live key (most keys may be expired). */
const TRIES_MAX = 16;

/**
 * A random live key, chosen with env.rng (deterministic per entry). O(n): Map has no random
 * access, so the pick walks to a random position.
 */
export const randomkey = {
  kind: 'data',
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  categories: ['@keyspace', '@read', '@slow'],
  keys: NO_KEYS,
  summary: 'Returns a random key name from the database.',
  group: 'generic',
  since: '1.0.0',
  syntax: '',
  apply(db, _args, env) {
    if (db.size === 0) return null;
    for (let attempt = 0; attempt < TRIES_MAX; attempt++) {
      const target = env.rng.int(db.size);
      let position = 0;
      for (const key of db.data.keys()) {
        if (position++ !== target) continue;
        if (db.get(key, env.nowMs) !== undefined) return key;
        break;
      }
    }
    for (const key of db.data.keys()) {
      if (db.get(key, env.nowMs) !== undefined) return key;
    }
    return null;
  },
} as const satisfies DataCommandSpec;
