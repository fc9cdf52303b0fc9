/**
 * The reductions `TENSOR.SUM|MEAN|NORM key [AXIS n]` (NORM is the L2 norm), accumulated in
 * float64 in a fixed order (src/tensor/kernels/reduce.ts). Without AXIS: one double. With
 * AXIS n (negative counts from the last axis): a map {shape, values} of the reduced tensor,
 * values as doubles in row-major order. BOOL counts true elements.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { DoubleReply, ErrorReply, MapReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { AXIS_RANGE, NO_TENSOR } from '../../tensor/errors.js';
import { reduce, reduceAxis } from '../../tensor/ops.js';
import type { Reduction } from '../../tensor/kernels/reduce.js';
import { parseInteger } from '../../tensor/shape.js';
import { GROUP, lookup, READ_CATEGORIES, READ_FLAGS, SINCE } from './common.js';

const SUMMARIES: Record<Reduction, string> = {
  sum: 'Returns the sum of the elements, overall or along one axis.',
  mean: 'Returns the mean of the elements, overall or along one axis.',
  norm: 'Returns the L2 norm of the elements, overall or along one axis.',
};

function parseAxis(args: readonly string[]): number | undefined | ErrorReply {
  if (args.length === 2) return undefined;
  if (args.length !== 4 || (args[2] ?? '').toUpperCase() !== 'AXIS') return SYNTAX;
  return parseInteger(args[3] ?? '') ?? NOT_INTEGER;
}

export function reductionCommand(reduction: Reduction): DataCommandSpec {
  const apply = (db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply => {
    const axisArg = parseAxis(args);
    if (axisArg instanceof ErrorReply) return axisArg;
    const tensor = lookup(db, args[1] ?? '', env.nowMs);
    if (tensor === undefined) return NO_TENSOR;
    if (tensor instanceof ErrorReply) return tensor;
    if (axisArg === undefined) return new DoubleReply(reduce(tensor, reduction));
    const axis = axisArg < 0 ? tensor.rank + axisArg : axisArg;
    if (axis < 0 || axis >= tensor.rank) return AXIS_RANGE;
    const values = reduceAxis(tensor, axis, reduction);
    return new MapReply([
      ['shape', tensor.shape.filter((_, i) => i !== axis)],
      ['values', Array.from(values, (v) => new DoubleReply(v))],
    ]);
  };
  return {
    kind: 'data',
    name: `tensor.${reduction}`,
    arity: -2,
    flags: READ_FLAGS,
    categories: READ_CATEGORIES,
    keys: { first: 1, last: 1, step: 1 },
    summary: SUMMARIES[reduction],
    group: GROUP,
    since: SINCE,
    syntax: 'key [AXIS axis]',
    apply,
  };
}
