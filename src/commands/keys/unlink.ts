import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from './args.js';
import { deleteKeys } from './del.js';

/** As DEL: values are freed by the garbage collector, never in the command's time. */
export const unlink = {
  kind: 'data',
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEYS_ALL,
  keySpecs: [
    { flags: ['RM', 'delete'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } },
  ],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  summary: 'Asynchronously deletes one or more keys.',
  group: 'generic',
  since: '4.0.0',
  syntax: 'key [key ...]',
  apply: (db, args, env) => deleteKeys(db, args, env.nowMs),
} as const satisfies DataCommandSpec;
