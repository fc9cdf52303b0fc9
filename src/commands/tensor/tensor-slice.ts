/**
 * TENSOR.SLICE key start stop [META] [BLOB | VALUES] | ... ARROW
 * Rows [start, stop) of the first axis, as a tensor reply (TENSOR.GET formats). Negative
 * indexes count from the end (-1 is the last row); the range must hold at least one row.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_TENSOR, RANK_ZERO, SLICE_RANGE } from '../../tensor/errors.js';
import { slice } from '../../tensor/ops.js';
import { parseInteger } from '../../tensor/shape.js';
import { NOT_INTEGER } from '../errors.js';
import {
  GROUP,
  lookup,
  memlayerReply,
  parseFormat,
  READ_CATEGORIES,
  READ_FLAGS,
  SINCE,
} from './common.js';

/** [start, stop) resolved against `rows`, or undefined if empty or out of range. */
export function resolveRange(
  start: number,
  stop: number,
  rows: number,
): [number, number] | undefined {
  const from = start < 0 ? rows + start : start;
  const to = stop < 0 ? rows + stop + 1 : stop;
  if (from < 0 || to > rows || from >= to) return undefined;
  return [from, to];
}

function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  const start = parseInteger(args[2] ?? '');
  const stop = parseInteger(args[3] ?? '');
  if (start === undefined || stop === undefined) return NOT_INTEGER;
  const format = parseFormat(args.slice(4), true);
  if (format instanceof ErrorReply) return format;
  const tensor = lookup(db, args[1] ?? '', env.nowMs);
  if (tensor === undefined) return NO_TENSOR;
  if (tensor instanceof ErrorReply) return tensor;
  const rows = tensor.shape[0];
  if (rows === undefined) return RANK_ZERO;
  const range = resolveRange(start, stop, rows);
  if (range === undefined) return SLICE_RANGE;
  return memlayerReply(slice(tensor, range[0], range[1]), format);
}

export const tensorSlice = {
  kind: 'data',
  name: 'tensor.slice',
  arity: -4,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Returns rows [start, stop) of the first axis.',
  group: GROUP,
  since: SINCE,
  syntax: 'key start stop [META] [BLOB | VALUES] | key start stop ARROW',
  apply,
} as const satisfies DataCommandSpec;
