/**
 * TENSOR.MGET key [key ...]
 * For each key, the TENSOR.GET default reply (a map of dtype, shape, blob), or nil when the key
 * is missing or holds another kind of value (as MGET answers nil for non-strings).
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { GROUP, lookup, memlayerReply, READ_CATEGORIES, READ_FLAGS, SINCE } from './common.js';

const DEFAULT_FORMAT = { meta: true, blob: true, values: false, arrow: false } as const;

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const out: Reply[] = [];
  for (let i = 1; i < args.length; i++) {
    const tensor = lookup(db, args[i] ?? '', env.nowMs);
    out.push(
      tensor === undefined || tensor instanceof ErrorReply
        ? null
        : memlayerReply(tensor, DEFAULT_FORMAT),
    );
  }
  return out;
}

export const tensorMGet = {
  kind: 'data',
  name: 'tensor.mget',
  arity: -2,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: -1, step: 1 },
  summary: 'Returns several tensors (dtype, shape and blob each).',
  group: GROUP,
  since: SINCE,
  syntax: 'key [key ...]',
  apply,
} as const satisfies DataCommandSpec;
