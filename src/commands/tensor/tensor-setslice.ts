/**
 * TENSOR.SETSLICE key start BLOB data | VALUES value [value ...]
 * Overwrites whole rows of the first axis from row `start` (negative counts from the end);
 * the data must be a whole number of rows that fits. Keeps the key's TTL.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { ErrorReply, OK, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { DTYPES } from '../../tensor/dtype.js';
import { BLOB_LENGTH, NO_TENSOR, RANK_ZERO, SLICE_RANGE } from '../../tensor/errors.js';
import { setSlice } from '../../tensor/ops.js';
import { parseInteger } from '../../tensor/shape.js';
import {
  elementBytes,
  GROUP,
  lookup,
  parseDataArgs,
  SINCE,
  store,
  WRITE_CATEGORIES,
  WRITE_FLAGS,
} from './common.js';

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const key = args[1] ?? '';
  const start = parseInteger(args[2] ?? '');
  if (start === undefined) return NOT_INTEGER;
  const data = parseDataArgs(args, 3);
  if (data instanceof ErrorReply) return data;
  if (data.kind === 'zeros') return SYNTAX;
  const tensor = lookup(db, key, env.nowMs);
  if (tensor === undefined) return NO_TENSOR;
  if (tensor instanceof ErrorReply) return tensor;
  const rows = tensor.shape[0];
  if (rows === undefined) return RANK_ZERO;
  const rowElements = tensor.length / rows;
  if (data.kind === 'blob' && data.blob.length % DTYPES[tensor.dtype].bytes !== 0)
    return BLOB_LENGTH;
  const given =
    data.kind === 'blob' ? data.blob.length / DTYPES[tensor.dtype].bytes : data.values.length;
  const from = start < 0 ? rows + start : start;
  const rowCount = given / rowElements;
  if (!Number.isInteger(rowCount) || rowCount < 1 || from < 0 || from + rowCount > rows) {
    return SLICE_RANGE;
  }
  const bytes = elementBytes(tensor.dtype, given, data);
  if (bytes instanceof ErrorReply) return bytes;
  store(db, key, setSlice(tensor, from, bytes), env.nowMs, true);
  return OK;
}

export const tensorSetSlice = {
  kind: 'data',
  name: 'tensor.setslice',
  arity: -5,
  flags: WRITE_FLAGS,
  categories: WRITE_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Overwrites whole rows of the first axis starting at a row.',
  group: GROUP,
  since: SINCE,
  syntax: 'key start BLOB data | key start VALUES value [value ...]',
  apply,
} as const satisfies DataCommandSpec;
