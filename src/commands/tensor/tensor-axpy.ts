/**
 * TENSOR.AXPY dst x y alpha
 * dst = alpha * x + y (BLAS axpy), computed in float64 without fused multiply-add and
 * rounded once; integers wrap. `TENSOR.AXPY w g w -0.01` is one atomic SGD step on w.
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
  const inputs = operands(db, [args[2] ?? '', args[3] ?? ''], env.nowMs, 'tensor.axpy');
  if (inputs instanceof ErrorReply) return inputs;
  const [x, y] = inputs;
  if (x === undefined || y === undefined) return WRONGTYPE;
  const alpha = parseAlpha(args[4] ?? '', x.dtype);
  if (alpha instanceof ErrorReply) return alpha;
  if (wrongTypeForWrite(db, target, env.nowMs)) return WRONGTYPE;
  store(db, target, axpy(alpha, x, y), env.nowMs, true);
  return OK;
}

export const tensorAxpy = {
  kind: 'data',
  name: 'tensor.axpy',
  arity: 5,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 3, step: 1 },
  summary: 'Stores alpha * x + y for two tensors of one dtype and shape.',
  group: GROUP,
  since: SINCE,
  syntax: 'dst x y alpha',
  apply,
} as const satisfies DataCommandSpec;
