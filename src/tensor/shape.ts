/**
 * Shape parsing and the size limits. A data handler cannot read the server's configuration, so
 * the limits are DEFAULT_LIMITS (tensorBytesMax 512 MiB, tensorRankMax 32); a server started
 * with other limits still validates tensors against these defaults (docs/tensors.md).
 */
import { DEFAULT_LIMITS } from '../config/limits.js';
import type { ErrorReply } from '../commands/reply.js';
import { DTYPES, type DType } from './dtype.js';
import { BAD_SHAPE, rankTooHigh, tooLarge } from './errors.js';

export const TENSOR_BYTES_MAX = DEFAULT_LIMITS.tensorBytesMax;
export const TENSOR_RANK_MAX = DEFAULT_LIMITS.tensorRankMax;

/** Redis' string2ll grammar: no sign on zero, no leading zeros, no '+', no spaces. */
const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** An integer argument in the safe-integer range, or undefined. */
export function parseInteger(text: string): number | undefined {
  if (text.length > 20 || !INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * A dimension: a positive integer (RedisAI rejects zero and negatives alike) up to int64's
 * maximum, as RedisAI reads it. One above 2^53 is not exact as a number, but any such
 * dimension makes a tensor far beyond the size limit, which checkShape then reports.
 */
export function parseDim(text: string): number | undefined {
  if (text.length > 19 || !/^[1-9][0-9]*$/.test(text) || BigInt(text) > INT64_MAX) return undefined;
  return Number(text);
}

/** Checks rank and total bytes, exactly (BigInt), so no product can overflow. */
export function checkShape(dtype: DType, dims: readonly number[]): ErrorReply | undefined {
  if (dims.length > TENSOR_RANK_MAX) return rankTooHigh(dims.length, TENSOR_RANK_MAX);
  if (!dims.every((dim) => dim > 0 && Number.isInteger(dim))) return BAD_SHAPE;
  // BigInt: the exact size goes in the error even when the product overflows a double.
  let bytes = BigInt(DTYPES[dtype].bytes);
  for (const dim of dims) bytes *= BigInt(dim);
  return bytes > BigInt(TENSOR_BYTES_MAX) ? tooLarge(bytes, TENSOR_BYTES_MAX) : undefined;
}

/**
 * memlayer's one-argument shape: `2,3,4` (or `[2,3,4]`, `2x3x4`); `[]` or `scalar` is a rank-0
 * scalar. Undefined if any dimension is not a positive integer.
 */
export function parseShapeArg(text: string): number[] | undefined {
  let body = text.trim();
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1).trim();
  if (body === '' || body.toLowerCase() === 'scalar') return [];
  if (body.length > 1024) return undefined;
  const dims: number[] = [];
  for (const part of body.split(/[,x]/)) {
    const dim = parseDim(part.trim());
    if (dim === undefined) return undefined;
    dims.push(dim);
  }
  return dims;
}
