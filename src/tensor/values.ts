/**
 * VALUES: elements as decimal arguments (AI.TENSORSET ... VALUES 1 2 3) and as replies
 * (AI.TENSORGET ... VALUES). Floats parse as Redis' string2d does (decimal or inf, never NaN)
 * and must not overflow the dtype; integers parse as string2ll and must fit the dtype exactly;
 * BOOL takes 0 or 1 only. Floats reply as doubles (RESP2 bulk, RESP3 `,`), integers as
 * integers, as RedisAI's _RAI_TensorReplyWithValues.
 */
import { DoubleReply, type ErrorReply, type Reply } from '../commands/reply.js';
import { DTYPES, type DType } from './dtype.js';
import { INVALID_VALUE } from './errors.js';
import {
  bf16BitsToNumber,
  f16BitsToNumber,
  numberToBf16Bits,
  numberToF16Bits,
} from './kernels/half.js';
import { viewOf } from './kernels/views.js';
import { allocElements, type Tensor } from './tensor.js';

const FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;
const INT64_MAX = 2n ** 63n - 1n;

/** A float argument, or undefined (NaN is refused, as Redis' string2d refuses it). */
export function parseFloatArg(text: string): number | undefined {
  if (text.length === 0 || text.length > 400) return undefined;
  if (INFINITY.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (!FLOAT.test(text)) return undefined;
  const value = Number(text);
  // strtod's ERANGE, which string2d refuses: a decimal too large for a double (not turned
  // into inf), or a nonzero one too small for it (not turned into 0).
  if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0] ?? '')) return undefined;
  return Number.isFinite(value) ? value : undefined;
}

/** An integer argument as a bigint (exact at any width), or undefined. */
export function parseBigIntArg(text: string): bigint | undefined {
  if (text.length > 21 || !INTEGER.test(text)) return undefined;
  return BigInt(text);
}

/** Writes float `value` as element i; false if a finite value overflows the dtype. */
function writeFloat(
  dtype: DType,
  view: ReturnType<typeof viewOf>,
  i: number,
  value: number,
): boolean {
  let stored: number;
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const bits = dtype === 'float16' ? numberToF16Bits(value) : numberToBf16Bits(value);
    view[i] = bits;
    stored = dtype === 'float16' ? f16BitsToNumber(bits) : bf16BitsToNumber(bits);
  } else {
    view[i] = value;
    stored = dtype === 'float32' ? Math.fround(value) : value;
  }
  return Number.isFinite(stored) || !Number.isFinite(value);
}

/**
 * Parses `texts` as elements of `dtype` into a new buffer, or answers RedisAI's error for the
 * first bad one. Nothing is stored by the caller unless every value parsed.
 */
export function parseValues(dtype: DType, texts: readonly string[]): Buffer | ErrorReply {
  const info = DTYPES[dtype];
  const bytes = allocElements(texts.length * info.bytes);
  const view = viewOf(dtype, bytes);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] ?? '';
    if (info.class === 'float') {
      const value = parseFloatArg(text);
      if (value === undefined || !writeFloat(dtype, view, i, value)) return INVALID_VALUE;
      continue;
    }
    const value = parseBigIntArg(text);
    if (info.class === 'bool') {
      if (value !== 0n && value !== 1n) return INVALID_VALUE;
    } else if (value === undefined || value < info.min || value > info.max) {
      return INVALID_VALUE;
    }
    view[i] = (info.class === 'bigint' ? value : Number(value)) as never;
  }
  return bytes;
}

/** Element i as a JS number (floats, integers up to 32 bits, bool) or bigint (64-bit). */
export function elementAt(tensor: Tensor, i: number): number | bigint {
  const view = tensor.view();
  const raw = view[i] ?? 0;
  if (tensor.dtype === 'float16') return f16BitsToNumber(raw as number);
  if (tensor.dtype === 'bfloat16') return bf16BitsToNumber(raw as number);
  return raw;
}

/** All elements as replies: DoubleReply for floats, integers otherwise. */
export function valueReplies(tensor: Tensor): Reply[] {
  const info = DTYPES[tensor.dtype];
  const view = tensor.view();
  const out: Reply[] = new Array<Reply>(tensor.length);
  if (info.class === 'float') {
    const decode =
      tensor.dtype === 'float16'
        ? f16BitsToNumber
        : tensor.dtype === 'bfloat16'
          ? bf16BitsToNumber
          : undefined;
    for (let i = 0; i < tensor.length; i++) {
      const raw = (view[i] ?? 0) as number;
      out[i] = new DoubleReply(decode === undefined ? raw : decode(raw));
    }
  } else if (info.class === 'bigint') {
    for (let i = 0; i < tensor.length; i++) out[i] = integerReply((view[i] ?? 0n) as bigint);
  } else {
    for (let i = 0; i < tensor.length; i++) out[i] = view[i] ?? 0;
  }
  return out;
}

/** A 64-bit element: a number when safe, a bigint in int64 range, else its decimal text. */
function integerReply(value: bigint): Reply {
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  return value <= INT64_MAX ? value : value.toString();
}
