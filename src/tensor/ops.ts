/**
 * Tensor operations used by the TENSOR.* commands. Each builds a new tensor (stored values are
 * immutable) and runs the native kernel when the addon is loaded, its TypeScript twin
 * otherwise; both give the same bits, so replicas agree whichever they run.
 */
import { DTYPES, type DType } from './dtype.js';
import { CAST_RANGE } from './errors.js';
import type { ErrorReply } from '../commands/reply.js';
import * as ew from './kernels/elementwise.js';
import * as half from './kernels/half.js';
import * as rd from './kernels/reduce.js';
import { f32View, f64View, u16View, u32View, viewOf } from './kernels/views.js';
import { native } from '../shared/native.js';
import { allocElements, Tensor } from './tensor.js';

export type BinaryOp = ew.BinaryOp;

/** dtypes the arithmetic commands accept (BOOL has no arithmetic). */
export function isNumeric(dtype: DType): boolean {
  return dtype !== 'bool';
}

function blank(like: Tensor, dtype: DType = like.dtype): Buffer {
  return allocElements(like.length * DTYPES[dtype].bytes);
}

/** a op b; the caller has checked both share dtype and shape and the dtype is numeric. */
export function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const out = blank(a);
  const addon = native();
  if (a.dtype === 'float32') {
    const fn = addon?.[`${op}_f32`] ?? ew[`${op}F32`];
    fn(f32View(a.data), f32View(b.data), f32View(out));
  } else if (a.dtype === 'float64') {
    const fn = addon?.[`${op}_f64`] ?? ew[`${op}F64`];
    fn(f64View(a.data), f64View(b.data), f64View(out));
  } else {
    ew.binaryGeneric(a.dtype, op, a.view(), b.view(), viewOf(a.dtype, out));
  }
  return Tensor.of(a.dtype, a.shape, out);
}

/** alpha * x (+ y when given). Integer dtypes take an integer alpha (bigint). */
export function axpy(alpha: number | bigint, x: Tensor, y: Tensor | undefined): Tensor {
  const out = blank(x);
  const addon = native();
  const a = Number(alpha);
  if (x.dtype === 'float32') {
    if (y === undefined) (addon?.scale_f32 ?? ew.scaleF32)(f32View(x.data), a, f32View(out));
    else (addon?.axpy_f32 ?? ew.axpyF32)(a, f32View(x.data), f32View(y.data), f32View(out));
  } else if (x.dtype === 'float64') {
    if (y === undefined) (addon?.scale_f64 ?? ew.scaleF64)(f64View(x.data), a, f64View(out));
    else (addon?.axpy_f64 ?? ew.axpyF64)(a, f64View(x.data), f64View(y.data), f64View(out));
  } else {
    ew.axpyGeneric(x.dtype, alpha, x.view(), y?.view(), viewOf(x.dtype, out));
  }
  return Tensor.of(x.dtype, x.shape, out);
}

/** A reader of element i as float64 for the generic reductions. */
function reader(t: Tensor): rd.Reader {
  const decode =
    t.dtype === 'float16'
      ? half.f16BitsToNumber
      : t.dtype === 'bfloat16'
        ? half.bf16BitsToNumber
        : undefined;
  return rd.readerOf(t.view(), decode);
}

export function sum(t: Tensor): number {
  const addon = native();
  if (t.dtype === 'float32') return (addon?.sum_f32 ?? rd.sumF32)(f32View(t.data));
  if (t.dtype === 'float64') return (addon?.sum_f64 ?? rd.sumF64)(f64View(t.data));
  return rd.sumOf(t.length, reader(t));
}

export function norm(t: Tensor): number {
  const addon = native();
  if (t.dtype === 'float32')
    return Math.sqrt((addon?.sumsq_f32 ?? rd.sumSquaresF32)(f32View(t.data)));
  if (t.dtype === 'float64')
    return Math.sqrt((addon?.sumsq_f64 ?? rd.sumSquaresF64)(f64View(t.data)));
  return Math.sqrt(rd.sumSquaresOf(t.length, reader(t)));
}

export function dot(a: Tensor, b: Tensor): number {
  const addon = native();
  if (a.dtype === 'float32') return (addon?.dot_f32 ?? rd.dotF32)(f32View(a.data), f32View(b.data));
  if (a.dtype === 'float64') return (addon?.dot_f64 ?? rd.dotF64)(f64View(a.data), f64View(b.data));
  return rd.dotOf(a.length, reader(a), reader(b));
}

export function reduce(t: Tensor, reduction: rd.Reduction): number {
  if (reduction === 'sum') return sum(t);
  if (reduction === 'norm') return norm(t);
  return sum(t) / t.length;
}

/** Reduces along `axis` (validated by the caller): the values, row-major, of the reduced shape. */
export function reduceAxis(t: Tensor, axis: number, reduction: rd.Reduction): Float64Array {
  let outer = 1;
  let inner = 1;
  t.shape.forEach((dim, i) => {
    if (i < axis) outer *= dim;
    if (i > axis) inner *= dim;
  });
  return rd.reduceAxis(reader(t), outer, t.shape[axis] ?? 1, inner, reduction);
}

/** Rows [start, stop) of the first axis (validated by the caller), copied. */
export function slice(t: Tensor, start: number, stop: number): Tensor {
  const rowBytes = t.byteLength / (t.shape[0] ?? 1);
  const out = allocElements((stop - start) * rowBytes);
  t.data.copy(out, 0, start * rowBytes, stop * rowBytes);
  return Tensor.of(t.dtype, [stop - start, ...t.shape.slice(1)], out);
}

/** A copy of `t` with `rows` (whole rows of the same dtype) written from row `start`. */
export function setSlice(t: Tensor, start: number, rows: Uint8Array): Tensor {
  const rowBytes = t.byteLength / (t.shape[0] ?? 1);
  const out = allocElements(t.byteLength);
  t.data.copy(out);
  out.set(rows, start * rowBytes);
  return Tensor.of(t.dtype, t.shape, out);
}

/** Float <-> half casts on bits (NaN payloads kept), natively when possible. */
function castHalf(t: Tensor, dtype: DType): Tensor | undefined {
  const addon = native();
  const out = blank(t, dtype);
  if (t.dtype === 'float32' && (dtype === 'float16' || dtype === 'bfloat16')) {
    const fn =
      dtype === 'float16'
        ? (addon?.f32_to_f16 ?? half.f32ToF16)
        : (addon?.f32_to_bf16 ?? half.f32ToBf16);
    fn(u32View(t.data), u16View(out));
  } else if ((t.dtype === 'float16' || t.dtype === 'bfloat16') && dtype === 'float32') {
    const fn =
      t.dtype === 'float16'
        ? (addon?.f16_to_f32 ?? half.f16ToF32)
        : (addon?.bf16_to_f32 ?? half.bf16ToF32);
    fn(u16View(t.data), u32View(out));
  } else {
    return undefined;
  }
  return Tensor.of(dtype, t.shape, out);
}

/**
 * Converts every element to `dtype`, as numpy's astype does, except that a value an integer
 * dtype cannot hold (NaN, ±Inf, out of range after truncation toward zero) is an error rather
 * than garbage. Floats narrow with IEEE rounding (overflow gives ±Inf); anything -> BOOL is
 * "nonzero".
 */
export function cast(t: Tensor, dtype: DType): Tensor | ErrorReply {
  if (t.dtype === dtype) return Tensor.of(dtype, t.shape, t.data);
  const fast = castHalf(t, dtype);
  if (fast !== undefined) return fast;
  const target = DTYPES[dtype];
  const out = blank(t, dtype);
  const view = viewOf(dtype, out);
  const read = elementReader(t);
  for (let i = 0; i < t.length; i++) {
    const value = read(i);
    if (target.class === 'bool') {
      view[i] = value === 0 || value === 0n ? 0 : 1;
    } else if (target.class === 'float') {
      const x =
        typeof value === 'bigint' && dtype !== 'float64' ? roundedToOdd(value) : Number(value);
      view[i] =
        dtype === 'float16'
          ? half.numberToF16Bits(x)
          : dtype === 'bfloat16'
            ? half.numberToBf16Bits(x)
            : x;
    } else {
      const whole = toInteger(value);
      if (whole === undefined || whole < target.min || whole > target.max) return CAST_RANGE;
      view[i] = (target.class === 'bigint' ? whole : Number(whole)) as never;
    }
  }
  return Tensor.of(dtype, t.shape, out);
}

const bits64 = new BigUint64Array(1);
const float64 = new Float64Array(bits64.buffer);

/**
 * A 64-bit integer as a double rounded to odd: truncated toward zero, with its lowest bit set
 * when that dropped anything. Rounding that double again to a format of at most 51 bits
 * (float32, float16, bfloat16) gives the correctly rounded value of the integer itself;
 * Number() rounds to nearest first, and a tie it creates is then broken the wrong way
 * (2^62 + 2^38 + 1 became 2^62 as a float32, numpy's astype gives 2^62 + 2^39).
 */
function roundedToOdd(value: bigint): number {
  const nearest = Number(value);
  const back = BigInt(nearest);
  if (back === value) return nearest;
  float64[0] = nearest;
  // The magnitude went up: one ulp down (sign and magnitude, so -1 on the bits either way).
  if (back > value === value > 0n) bits64[0] = (bits64[0] ?? 0n) - 1n;
  bits64[0] = (bits64[0] ?? 0n) | 1n;
  return float64[0] ?? nearest;
}

function elementReader(t: Tensor): (i: number) => number | bigint {
  const view = t.view();
  if (t.dtype === 'float16') return (i) => half.f16BitsToNumber((view[i] ?? 0) as number);
  if (t.dtype === 'bfloat16') return (i) => half.bf16BitsToNumber((view[i] ?? 0) as number);
  return (i) => view[i] ?? 0;
}

function toInteger(value: number | bigint): bigint | undefined {
  if (typeof value === 'bigint') return value;
  return Number.isFinite(value) ? BigInt(Math.trunc(value)) : undefined;
}
