/** TENSOR.INFO key: dtype, shape, rank, elements and bytes as a map; nil for a missing key. */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, MapReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { DTYPES } from '../../tensor/dtype.js';
import { GROUP, lookup, READ_FLAGS, SINCE } from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const tensor = lookup(db, args[1] ?? '', env.nowMs);
  if (tensor === undefined) return null;
  if (tensor instanceof ErrorReply) return tensor;
  return new MapReply([
    ['dtype', tensor.dtype],
    ['redisai_dtype', DTYPES[tensor.dtype].redisai],
    ['shape', [...tensor.shape]],
    ['rank', tensor.rank],
    ['elements', tensor.length],
    ['bytes', tensor.byteLength],
  ]);
}

export const tensorInfo = {
  kind: 'data',
  name: 'tensor.info',
  arity: 2,
  flags: [...READ_FLAGS, 'fast'],
  categories: ['@tensor', '@read', '@fast'],
  keys: { first: 1, last: 1, step: 1 },
  summary: "Returns a tensor's dtype, shape, rank, element count and size in bytes.",
  group: GROUP,
  since: SINCE,
  syntax: 'key',
  apply,
} as const satisfies DataCommandSpec;
