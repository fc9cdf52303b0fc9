import type { Keyspace } from '../../store/keyspace.js';
import { SYNTAX } from '../errors.js';
import type { Reply } from '../reply.js';
import { OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';
import { is } from './args.js';

/** FLUSHDB / FLUSHALL [ASYNC | SYNC]: both modes clear at once (the GC frees the values). */
export function flush(db: Keyspace, args: readonly string[]): Reply {
  if (args.length > 2 || (args.length === 2 && !is(args[1], 'ASYNC') && !is(args[1], 'SYNC'))) {
    return SYNTAX;
  }
  db.clear();
  return OK;
}

export const flushdb = {
  kind: 'data',
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  categories: ['@keyspace', '@write', '@slow', '@dangerous'],
  keys: NO_KEYS,
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  summary: 'Removes all keys from the current database.',
  group: 'server',
  since: '1.0.0',
  syntax: '[ASYNC | SYNC]',
  apply: (db, args) => flush(db, args),
} as const satisfies DataCommandSpec;
