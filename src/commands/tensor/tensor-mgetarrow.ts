/**
 * TENSOR.MGETARROW key [key ...]
 * Several tensors of one dtype and shape as ONE Arrow IPC stream: a table with one
 * arrow.fixed_shape_tensor column and one row per key, in key order (a training batch in one
 * round trip). Every key must exist and hold such a tensor.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { sameLayoutAll, tensorsToArrow } from '../../tensor/arrow.js';
import { ARROW_BATCH } from '../../tensor/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { asBuffer, GROUP, lookup, READ_CATEGORIES, READ_FLAGS, SINCE } from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const tensors: Tensor[] = [];
  for (let i = 1; i < args.length; i++) {
    const tensor = lookup(db, args[i] ?? '', env.nowMs);
    if (tensor instanceof ErrorReply) return tensor;
    if (tensor === undefined) return ARROW_BATCH;
    tensors.push(tensor);
  }
  if (!sameLayoutAll(tensors)) return ARROW_BATCH;
  return asBuffer(tensorsToArrow(tensors));
}

export const tensorMGetArrow = {
  kind: 'data',
  name: 'tensor.mgetarrow',
  arity: -2,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: -1, step: 1 },
  summary: 'Returns tensors of one dtype and shape as one Arrow IPC table (one row each).',
  group: GROUP,
  since: SINCE,
  syntax: 'key [key ...]',
  apply,
} as const satisfies DataCommandSpec;
