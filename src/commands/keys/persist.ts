import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';

export const persist = {
  kind: 'data',
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  summary: 'Removes the expiration time of a key.',
  group: 'generic',
  since: '2.2.0',
  syntax: 'key',
  apply(db, args, env) {
    const key = args[1] as string;
    if (db.getForWrite(key, env.nowMs) === undefined) return 0;
    return db.persist(key) ? 1 : 0;
  },
} as const satisfies DataCommandSpec;
