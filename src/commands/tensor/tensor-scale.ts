/**
 * TENSOR.SCALE dst a alpha
 * dst = alpha * a. alpha is a float for float dtypes and an integer for integer dtypes (the
 * product wraps). dst may be a; dst keeps its TTL.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { axpy } from '../../tensor/ops.js';
import {
  GROUP,
  operands,
  parseAlpha,
  SINCE,
  store,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const target = args[1] ?? '';
  const inputs = operands(db, [args[2] ?? ''], env.nowMs, 'tensor.scale');
  if (inputs instanceof ErrorReply) return inputs;
  const [a] = inputs;
  if (a === undefined) return WRONGTYPE;
  const alpha = parseAlpha(args[3] ?? '', a.dtype);
  if (alpha instanceof ErrorReply) return alpha;
  if (wrongTypeForWrite(db, target, env.nowMs)) return WRONGTYPE;
  store(db, target, axpy(alpha, a, undefined), env.nowMs, true);
  return OK;
}

export const tensorScale = {
  kind: 'data',
  name: 'tensor.scale',
  arity: 4,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 2, step: 1 },
  summary: 'Stores a tensor multiplied by a scalar.',
  group: GROUP,
  since: SINCE,
  syntax: 'dst a alpha',
  apply,
} as const satisfies DataCommandSpec;
