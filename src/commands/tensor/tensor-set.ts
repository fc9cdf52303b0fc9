/**
 * TENSOR.SET key dtype shape [BLOB data | VALUES value [value ...]]
 * memlayer's form: the shape is one argument (`2,3`, `[2,3]`, `2x3`; `[]` for a scalar).
 * Replaces the key (clearing its TTL); no data means zeros.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseDType } from '../../tensor/dtype.js';
import { BAD_SHAPE, INVALID_DTYPE } from '../../tensor/errors.js';
import { parseShapeArg } from '../../tensor/shape.js';
import {
  buildTensor,
  GROUP,
  parseDataArgs,
  SINCE,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const key = args[1] ?? '';
  if (wrongTypeForWrite(db, key, env.nowMs)) return WRONGTYPE;
  const dtype = parseDType(args[2] ?? '');
  if (dtype === undefined) return INVALID_DTYPE;
  const shape = parseShapeArg(args[3] ?? '');
  if (shape === undefined) return BAD_SHAPE;
  const data = parseDataArgs(args, 4);
  if (data instanceof ErrorReply) return data;
  const tensor = buildTensor(dtype, shape, data);
  if (tensor instanceof ErrorReply) return tensor;
  db.replace(key, tensor);
  return OK;
}

export const tensorSet = {
  kind: 'data',
  name: 'tensor.set',
  arity: -4,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Stores a tensor given its dtype, shape and data.',
  group: GROUP,
  since: SINCE,
  syntax: 'key dtype shape [BLOB data | VALUES value [value ...]]',
  apply,
} as const satisfies DataCommandSpec;
