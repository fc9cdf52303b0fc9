/**
 * TENSOR.CAST dst src dtype
 * Stores src converted to dtype under dst (dst may be src). Floats narrow with IEEE
 * round-to-nearest-even; float -> integer truncates toward zero and refuses NaN, ±Inf and
 * out-of-range values (nothing is stored); anything -> BOOL is "nonzero". Replaces dst.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { WRONGTYPE } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseDType } from '../../tensor/dtype.js';
import { INVALID_DTYPE, NO_TENSOR } from '../../tensor/errors.js';
import { cast } from '../../tensor/ops.js';
import {
  GROUP,
  lookup,
  SINCE,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
  wrongTypeForWrite,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const target = args[1] ?? '';
  const dtype = parseDType(args[3] ?? '');
  if (dtype === undefined) return INVALID_DTYPE;
  const source = lookup(db, args[2] ?? '', env.nowMs);
  if (source === undefined) return NO_TENSOR;
  if (source instanceof ErrorReply) return source;
  if (wrongTypeForWrite(db, target, env.nowMs)) return WRONGTYPE;
  const result = cast(source, dtype);
  if (result instanceof ErrorReply) return result;
  db.replace(target, result);
  return OK;
}

export const tensorCast = {
  kind: 'data',
  name: 'tensor.cast',
  arity: 4,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 2, step: 1 },
  summary: 'Stores a tensor converted to another dtype.',
  group: GROUP,
  since: SINCE,
  syntax: 'dst src dtype',
  apply,
} as const satisfies DataCommandSpec;
