/**
 * TENSOR.GET key [META] [BLOB | VALUES] | TENSOR.GET key ARROW
 * No format: META and BLOB as a map (RESP3 `%`; RESP2 a flat array like RedisAI's). ARROW
 * answers the Arrow IPC stream bytes (arrow.fixed_shape_tensor). A missing key is nil.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import {
  GROUP,
  lookup,
  memlayerReply,
  parseFormat,
  READ_CATEGORIES,
  READ_FLAGS,
  SINCE,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const format = parseFormat(args.slice(2), true);
  if (format instanceof ErrorReply) return format;
  const tensor = lookup(db, args[1] ?? '', env.nowMs);
  if (tensor === undefined) return null;
  if (tensor instanceof ErrorReply) return tensor;
  return memlayerReply(tensor, format);
}

export const tensorGet = {
  kind: 'data',
  name: 'tensor.get',
  arity: -2,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Returns a tensor as metadata, blob, values or an Arrow IPC stream.',
  group: GROUP,
  since: SINCE,
  syntax: 'key [META] [BLOB | VALUES] | key ARROW',
  apply,
} as const satisfies DataCommandSpec;
