import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from './args.js';

/**
 * `__expired key [key ...]`: the active expiry sweep's replicated delete. Removes each key whose
 * TTL has passed at the entry's time (keys changed or persisted since the sweep chose them are
 * left alone) and answers how many it removed. Internal: proposed by the server, not by clients.
 */
export const expired = {
  kind: 'data',
  name: '__expired',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEYS_ALL,
  summary: 'Deletes keys whose time to live has passed (internal: active expiry).',
  group: 'generic',
  since: '0.1.0',
  syntax: 'key [key ...]',
  apply(db, args, env) {
    let removed = 0;
    for (let i = 1; i < args.length; i++) {
      const key = args[i] as string;
      const atMs = db.expiresAt(key);
      if (atMs !== undefined && atMs <= env.nowMs && db.delete(key)) removed++;
    }
    return removed;
  },
} as const satisfies DataCommandSpec;
