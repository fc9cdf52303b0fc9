/**
 * AI.TENSORSET key type dim [dim ...] [BLOB data | VALUES value [value ...]]  (RedisAI)
 * Stores a tensor (replacing any tensor there and clearing its TTL, as RedisAI's
 * ModuleTypeSetValue does); no data means zeros. Parsing follows RedisAI's
 * ParseTensorSetArgs argument by argument, so the same bad input gets the same error.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseDType } from '../../tensor/dtype.js';
import {
  BAD_SHAPE,
  BLOB_ARITY,
  INVALID_DTYPE,
  rankTooHigh,
  VALUES_COUNT,
} from '../../tensor/errors.js';
import { parseDim, TENSOR_RANK_MAX } from '../../tensor/shape.js';
import {
  buildTensor,
  type DataArgs,
  GROUP,
  SINCE,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

interface Parsed {
  readonly dims: number[];
  readonly data: DataArgs;
}

/** Dims up to BLOB/VALUES, then the data, with RedisAI's checks in RedisAI's order. */
function parseArgs(args: readonly string[]): Parsed | ErrorReply {
  const dims: number[] = [];
  let count = 1;
  for (let at = 3; at < args.length; at++) {
    const word = (args[at] ?? '').toUpperCase();
    const remaining = args.length - 1 - at;
    if (word === 'BLOB') {
      if (remaining !== 1) return BLOB_ARITY;
      return { dims, data: { kind: 'blob', blob: args[at + 1] ?? '' } };
    }
    if (word === 'VALUES') {
      if (remaining !== count) return VALUES_COUNT;
      return { dims, data: { kind: 'values', values: args.slice(at + 1) } };
    }
    const dim = parseDim(args[at] ?? '');
    if (dim === undefined) return BAD_SHAPE;
    if (dims.length === TENSOR_RANK_MAX) return rankTooHigh(dims.length + 1, TENSOR_RANK_MAX);
    dims.push(dim);
    count *= dim;
  }
  return { dims, data: { kind: 'zeros' } };
}

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const key = args[1] ?? '';
  if (wrongTypeForWrite(db, key, env.nowMs)) return WRONGTYPE;
  const dtype = parseDType(args[2] ?? '');
  if (dtype === undefined) return INVALID_DTYPE;
  const parsed = parseArgs(args);
  if (parsed instanceof ErrorReply) return parsed;
  const tensor = buildTensor(dtype, parsed.dims, parsed.data);
  if (tensor instanceof ErrorReply) return tensor;
  db.replace(key, tensor);
  return OK;
}

export const aiTensorSet = {
  kind: 'data',
  name: 'ai.tensorset',
  arity: -4,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Stores a tensor (RedisAI compatible).',
  group: GROUP,
  since: SINCE,
  syntax: 'key type dim [dim ...] [BLOB data | VALUES value [value ...]]',
  apply,
} as const satisfies DataCommandSpec;
