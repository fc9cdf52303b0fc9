import type { DataCommandSpec } from '../spec.js';
import { NOT_INTEGER } from '../errors.js';

/**
 * `__evicted <as-of-index> key [key ...]`: the eviction's replicated delete (src/commands/
 * memory-guard.ts). The node that evicts chooses keys from its state at applied index
 * `as-of-index`; by the time this entry is applied a client may have written one of them again,
 * and a plain DEL would then throw away a fresh write. So each key is removed only if it has not
 * changed since that index (per the keyspace's change buckets: a key that shares a bucket with a
 * changed one is kept too, which only postpones its eviction). Answers how many it removed.
 * Internal: proposed by the server, never by clients.
 */
export const evicted = {
  kind: 'data',
  name: '__evicted',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: { first: 2, last: -1, step: 1 },
  summary: 'Deletes keys unchanged since an index (internal: eviction under maxmemory).',
  group: 'generic',
  since: '0.1.0',
  syntax: 'as-of-index key [key ...]',
  apply(db, args) {
    const asOf = Number(args[1]);
    if (!Number.isSafeInteger(asOf) || asOf < 0) return NOT_INTEGER;
    let removed = 0;
    for (let i = 2; i < args.length; i++) {
      const key = args[i] as string;
      if (db.changeIndex(key) <= asOf && db.delete(key)) removed++;
    }
    return removed;
  },
} as const satisfies DataCommandSpec;
