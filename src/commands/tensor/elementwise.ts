/**
 * The element-wise commands `TENSOR.ADD|SUB|MUL dst a b`: dst = a op b for two tensors of one
 * dtype and shape (dst may be a or b, so `TENSOR.ADD w w g` accumulates atomically: the
 * state machine applies it as one step, with no read-modify-write race between writers).
 * Floats compute in float64 and round once; integers wrap. dst keeps its TTL.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { binary, type BinaryOp } from '../../tensor/ops.js';
import {
  GROUP,
  operands,
  SINCE,
  store,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

const SUMMARIES: Record<BinaryOp, string> = {
  add: 'Stores the element-wise sum of two tensors.',
  sub: 'Stores the element-wise difference of two tensors.',
  mul: 'Stores the element-wise product of two tensors.',
};

export function elementwiseCommand(op: BinaryOp): DataCommandSpec {
  const name = `tensor.${op}`;
  const apply = (db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply => {
    const target = args[1] ?? '';
    const inputs = operands(db, [args[2] ?? '', args[3] ?? ''], env.nowMs, name);
    if (inputs instanceof ErrorReply) return inputs;
    const [a, b] = inputs;
    if (a === undefined || b === undefined) return WRONGTYPE;
    if (wrongTypeForWrite(db, target, env.nowMs)) return WRONGTYPE;
    store(db, target, binary(op, a, b), env.nowMs, true);
    return OK;
  };
  return {
    kind: 'data',
    name,
    arity: 4,
    flags: WRITE_FLAGS,
    categories: WRITE_CATEGORIES,
    keys: { first: 1, last: 3, step: 1 },
    summary: SUMMARIES[op],
    group: GROUP,
    since: SINCE,
    syntax: 'dst a b',
    apply,
  };
}
