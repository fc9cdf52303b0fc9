/**
 * TENSOR.DOT a b
 * The dot product of two tensors of one dtype and shape (flattened), accumulated in float64
 * in a fixed order; a double.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { DoubleReply, ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { dot } from '../../tensor/ops.js';
import { GROUP, operands, READ_CATEGORIES, READ_FLAGS, SINCE } from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const inputs = operands(db, [args[1] ?? '', args[2] ?? ''], env.nowMs, 'tensor.dot');
  if (inputs instanceof ErrorReply) return inputs;
  const [a, b] = inputs;
  if (a === undefined || b === undefined) return WRONGTYPE;
  return new DoubleReply(dot(a, b));
}

export const tensorDot = {
  kind: 'data',
  name: 'tensor.dot',
  arity: 3,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: 2, step: 1 },
  summary: 'Returns the dot product of two tensors of one dtype and shape.',
  group: GROUP,
  since: SINCE,
  syntax: 'a b',
  apply,
} as const satisfies DataCommandSpec;
