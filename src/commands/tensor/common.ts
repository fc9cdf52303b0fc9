/**
 * Helpers shared by the tensor commands: key lookup with WRONGTYPE, building a tensor from
 * BLOB/VALUES arguments with every check done before anything is stored, reply formats.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { kindOf } from '../../store/values.js';
import { NOT_FLOAT, NOT_INTEGER, SYNTAX, WRONGTYPE } from '../errors.js';
import { ErrorReply, MapReply, type Reply } from '../reply.js';
import { DTYPES, type DType } from '../../tensor/dtype.js';
import {
  BLOB_AND_VALUES,
  BLOB_LENGTH,
  BOOL_VALUE,
  UNSUPPORTED_FORMAT,
  LAYOUT_MISMATCH,
  NO_TENSOR,
  unsupportedDtype,
  VALUES_COUNT,
} from '../../tensor/errors.js';
import { isNumeric } from '../../tensor/ops.js';
import { checkShape } from '../../tensor/shape.js';
import { bytesFromLatin1, elementCount, Tensor } from '../../tensor/tensor.js';
import { tensorToArrow } from '../../tensor/arrow.js';
import { parseBigIntArg, parseFloatArg, parseValues, valueReplies } from '../../tensor/values.js';
import type { AclCategory, CommandFlag } from '../spec.js';

export const WRITE_FLAGS: readonly CommandFlag[] = ['write', 'denyoom'];
export const READ_FLAGS: readonly CommandFlag[] = ['readonly'];
export const WRITE_CATEGORIES: readonly AclCategory[] = ['@tensor', '@write', '@slow'];
export const READ_CATEGORIES: readonly AclCategory[] = ['@tensor', '@read', '@slow'];
export const GROUP = 'tensor';
export const SINCE = '0.1.0';

/** The tensor under `key` (undefined if absent), or WRONGTYPE for another kind of value. */
export function lookup(db: Keyspace, key: string, nowMs: number): Tensor | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined) return undefined;
  if (kindOf(value) !== 'tensor' || !(value instanceof Tensor)) return WRONGTYPE;
  return value;
}

/** True if a write to `key` would hit a value of another kind. */
export function wrongTypeForWrite(db: Keyspace, key: string, nowMs: number): boolean {
  const value = db.get(key, nowMs);
  return value !== undefined && kindOf(value) !== 'tensor';
}

/** Element data as given: a BLOB (one latin1 string), VALUES (decimal strings), or zeros. */
export type DataArgs =
  | { readonly kind: 'blob'; readonly blob: string }
  | { readonly kind: 'values'; readonly values: readonly string[] }
  | { readonly kind: 'zeros' };

/** Raw element bytes from BLOB/VALUES for `count` elements, validated for `dtype`. */
export function elementBytes(dtype: DType, count: number, data: DataArgs): Buffer | ErrorReply {
  if (data.kind === 'zeros') return Buffer.alloc(count * DTYPES[dtype].bytes);
  if (data.kind === 'values') {
    // Same error RedisAI gives when VALUES count and shape disagree.
    if (data.values.length !== count) return VALUES_COUNT;
    return parseValues(dtype, data.values);
  }
  if (data.blob.length !== count * DTYPES[dtype].bytes) return BLOB_LENGTH;
  const bytes = bytesFromLatin1(data.blob);
  if (dtype === 'bool' && !bytes.every((b) => b <= 1)) return BOOL_VALUE;
  return bytes;
}

/** A validated tensor, or the first error. Nothing is stored here. */
export function buildTensor(
  dtype: DType,
  shape: readonly number[],
  data: DataArgs,
): Tensor | ErrorReply {
  const problem = checkShape(dtype, shape);
  if (problem !== undefined) return problem;
  const bytes = elementBytes(dtype, elementCount(shape), data);
  if (bytes instanceof ErrorReply) return bytes;
  return Tensor.of(dtype, shape, bytes);
}

/** What a GET-style command returns. */
export interface Format {
  readonly meta: boolean;
  readonly blob: boolean;
  readonly values: boolean;
  readonly arrow: boolean;
}

/**
 * Parses `META`, `BLOB`, `VALUES` (any order, case-insensitive, as RedisAI) and memlayer's
 * `ARROW` (alone). No argument means META + BLOB.
 */
export function parseFormat(args: readonly string[], allowArrow: boolean): Format | ErrorReply {
  if (args.length === 0) return { meta: true, blob: true, values: false, arrow: false };
  let meta = false;
  let blob = false;
  let values = false;
  let arrow = false;
  for (const arg of args) {
    const word = arg.toUpperCase();
    if (word === 'META') meta = true;
    else if (word === 'BLOB') blob = true;
    else if (word === 'VALUES') values = true;
    else if (word === 'ARROW' && allowArrow) arrow = true;
    else return UNSUPPORTED_FORMAT;
  }
  if (blob && values) return BLOB_AND_VALUES;
  if (arrow && (meta || blob || values || args.length > 1)) return SYNTAX;
  return { meta, blob, values, arrow };
}

/**
 * The most elements a VALUES reply holds. The reply is built whole before it is written, one
 * object per float element: past this it would cost gigabytes of heap (and V8 caps an array
 * near 2^27), where BLOB answers the same bytes with one buffer.
 */
export const VALUES_REPLY_MAX = 2 ** 24;

function valuesTooLarge(tensor: Tensor, format: Format): ErrorReply | undefined {
  if (!format.values || tensor.length <= VALUES_REPLY_MAX) return undefined;
  return new ErrorReply(
    `ERR tensor of ${tensor.length} elements is too large for VALUES (at most ${VALUES_REPLY_MAX}); use BLOB`,
  );
}

/** RedisAI's TENSORGET reply: arrays in both protocols (RedisAI replies with arrays). */
export function redisaiReply(tensor: Tensor, format: Format): Reply {
  const tooLarge = valuesTooLarge(tensor, format);
  if (tooLarge !== undefined) return tooLarge;
  if (!format.meta) return format.values ? valueReplies(tensor) : tensor.data;
  const reply: Reply[] = ['dtype', DTYPES[tensor.dtype].redisai, 'shape', [...tensor.shape]];
  if (format.blob) reply.push('blob', tensor.data);
  if (format.values) reply.push('values', valueReplies(tensor));
  return reply;
}

/** memlayer's reply: a map (RESP3 `%`, flattened in RESP2) with memlayer's dtype names. */
export function memlayerReply(tensor: Tensor, format: Format): Reply {
  if (format.arrow) return asBuffer(tensorToArrow(tensor));
  const tooLarge = valuesTooLarge(tensor, format);
  if (tooLarge !== undefined) return tooLarge;
  if (!format.meta) return format.values ? valueReplies(tensor) : tensor.data;
  const entries: [Reply, Reply][] = [
    ['dtype', tensor.dtype],
    ['shape', [...tensor.shape]],
  ];
  if (format.blob) entries.push(['blob', tensor.data]);
  if (format.values) entries.push(['values', valueReplies(tensor)]);
  return new MapReply(entries);
}

/** Splits `... BLOB data` / `... VALUES v...` / nothing, starting at `at`. */
export function parseDataArgs(args: readonly string[], at: number): DataArgs | ErrorReply {
  if (at >= args.length) return { kind: 'zeros' };
  const word = (args[at] ?? '').toUpperCase();
  if (word === 'BLOB') {
    const blob = args[at + 1];
    if (blob === undefined || args.length !== at + 2) return SYNTAX;
    return { kind: 'blob', blob };
  }
  if (word === 'VALUES') return { kind: 'values', values: args.slice(at + 1) };
  return SYNTAX;
}

/** The operand tensors of an arithmetic command, all present, numeric and of one layout. */
export function operands(
  db: Keyspace,
  keys: readonly string[],
  nowMs: number,
  command: string,
): Tensor[] | ErrorReply {
  const tensors: Tensor[] = [];
  for (const key of keys) {
    const tensor = lookup(db, key, nowMs);
    if (tensor === undefined) return NO_TENSOR;
    if (tensor instanceof ErrorReply) return tensor;
    tensors.push(tensor);
  }
  const first = tensors[0];
  if (first === undefined) return NO_TENSOR;
  if (!tensors.every((t) => t.sameLayout(first))) return LAYOUT_MISMATCH;
  if (!isNumeric(first.dtype)) return unsupportedDtype(command, first.dtype);
  return tensors;
}

/**
 * Stores `value` under `key` after every check passed. `keepTtl` (in-place style updates such
 * as TENSOR.ADD) keeps a live TTL; an expired key is dropped first so its stale TTL cannot
 * expire the new value at once.
 */
export function store(
  db: Keyspace,
  key: string,
  value: Tensor,
  nowMs: number,
  keepTtl: boolean,
): void {
  if (!keepTtl) {
    db.replace(key, value);
    return;
  }
  db.getForWrite(key, nowMs);
  db.put(key, value);
}

/** The multiplier argument for a tensor of `dtype`: float64 for floats, an integer otherwise. */
export function parseAlpha(text: string, dtype: DType): number | bigint | ErrorReply {
  if (DTYPES[dtype].class === 'float') return parseFloatArg(text) ?? NOT_FLOAT;
  return parseBigIntArg(text) ?? NOT_INTEGER;
}

/** A Buffer over the same bytes (Buffer.from(Uint8Array) would copy them). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
