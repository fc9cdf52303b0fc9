import type { Keyspace } from '../../store/keyspace.js';
import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from './args.js';

/** Deletes the live keys among `args[1..]`; an expired key does not count (Redis' DEL). */
export function deleteKeys(db: Keyspace, args: readonly string[], nowMs: number): number {
  let deleted = 0;
  for (let i = 1; i < args.length; i++) {
    const key = args[i] as string;
    if (db.getForWrite(key, nowMs) !== undefined && db.delete(key)) deleted++;
  }
  return deleted;
}

export const del = {
  kind: 'data',
  name: 'del',
  arity: -2,
  flags: ['write'],
  categories: ['@keyspace', '@write', '@slow'],
  keys: KEYS_ALL,
  keySpecs: [
    { flags: ['RM', 'delete'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } },
  ],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  summary: 'Deletes one or more keys.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key [key ...]',
  apply: (db, args, env) => deleteKeys(db, args, env.nowMs),
} as const satisfies DataCommandSpec;
