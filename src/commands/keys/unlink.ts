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
  summary: 'Asynchronously deletes one or more keys.',
  group: 'generic',
  since: '4.0.0',
  syntax: 'key [key ...]',
  apply: (db, args, env) => deleteKeys(db, args, env.nowMs),
} as const satisfies DataCommandSpec;
