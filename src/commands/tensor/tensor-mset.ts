/**
 * TENSOR.MSET key dtype shape blob [key dtype shape blob ...]
 * Stores several tensors atomically: every group is validated before any is stored, so one bad
 * group stores nothing. Each key is replaced (TTL cleared), as TENSOR.SET.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE, WRONG_ARITY } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseDType } from '../../tensor/dtype.js';
import { BAD_SHAPE, INVALID_DTYPE } from '../../tensor/errors.js';
import { parseShapeArg } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  buildTensor,
  GROUP,
  SINCE,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  if ((args.length - 1) % 4 !== 0) return WRONG_ARITY('tensor.mset');
  const staged: [string, Tensor][] = [];
  for (let at = 1; at < args.length; at += 4) {
    const key = args[at] ?? '';
    if (wrongTypeForWrite(db, key, env.nowMs)) return WRONGTYPE;
    const dtype = parseDType(args[at + 1] ?? '');
    if (dtype === undefined) return INVALID_DTYPE;
    const shape = parseShapeArg(args[at + 2] ?? '');
    if (shape === undefined) return BAD_SHAPE;
    const tensor = buildTensor(dtype, shape, { kind: 'blob', blob: args[at + 3] ?? '' });
    if (tensor instanceof ErrorReply) return tensor;
    staged.push([key, tensor]);
  }
  for (const [key, tensor] of staged) db.replace(key, tensor);
  return OK;
}

export const tensorMSet = {
  kind: 'data',
  name: 'tensor.mset',
  arity: -5,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: -1, step: 4 },
  summary: 'Stores several tensors atomically.',
  group: GROUP,
  since: SINCE,
  syntax: 'key dtype shape blob [key dtype shape blob ...]',
  apply,
} as const satisfies DataCommandSpec;
