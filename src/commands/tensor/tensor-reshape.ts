/**
 * TENSOR.RESHAPE key shape
 * Gives the tensor a new shape with the same number of elements; the element buffer is shared
 * (tensors are immutable), so this copies nothing. Keeps the key's TTL.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { BAD_SHAPE, NO_TENSOR, RESHAPE_COUNT } from '../../tensor/errors.js';
import { checkShape, parseShapeArg } from '../../tensor/shape.js';
import { elementCount, Tensor } from '../../tensor/tensor.js';
import { GROUP, lookup, SINCE, store, WRITE_CATEGORIES } from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const key = args[1] ?? '';
  const shape = parseShapeArg(args[2] ?? '');
  if (shape === undefined) return BAD_SHAPE;
  const tensor = lookup(db, key, env.nowMs);
  if (tensor === undefined) return NO_TENSOR;
  if (tensor instanceof ErrorReply) return tensor;
  const problem = checkShape(tensor.dtype, shape);
  if (problem !== undefined) return problem;
  if (elementCount(shape) !== tensor.length) return RESHAPE_COUNT;
  store(db, key, Tensor.of(tensor.dtype, shape, tensor.data), env.nowMs, true);
  return OK;
}

export const tensorReshape = {
  kind: 'data',
  name: 'tensor.reshape',
  arity: 3,
  flags: ['write'],
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Changes the shape of a tensor, keeping its elements in row-major order.',
  group: GROUP,
  since: SINCE,
  syntax: 'key shape',
  apply,
} as const satisfies DataCommandSpec;
