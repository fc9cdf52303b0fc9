import { globMatch } from '../../store/glob.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';

/** Every live key matching the pattern (a lone `*` matches all, the empty key included). */
export const keys = {
  kind: 'data',
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  categories: ['@keyspace', '@read', '@slow', '@dangerous'],
  keys: NO_KEYS,
  tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
  summary: 'Returns all key names that match a pattern.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'pattern',
  apply(db, args, env) {
    const pattern = args[1] as string;
    const all = pattern === '*';
    const checkExpiry = db.expires.size > 0;
    const found: string[] = [];
    for (const key of db.data.keys()) {
      if (!all && !globMatch(pattern, key)) continue;
      if (checkExpiry && db.get(key, env.nowMs) === undefined) continue;
      found.push(key);
    }
    return found;
  },
} as const satisfies DataCommandSpec;
