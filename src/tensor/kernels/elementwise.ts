/**
 * Element-wise kernels. Float results are computed in float64 and rounded once to the tensor's
 * dtype; a NaN result is written as the canonical quiet NaN, so every replica (x86 or ARM,
 * native addon or not) stores the same bits. Integer results wrap modulo 2^bits, as C and
 * numpy do. native/src/kernels.c implements the float32/float64 twins of the same formulas.
 */
import type { DType } from '../dtype.js';
import { bf16BitsToNumber, f16BitsToNumber, numberToBf16Bits, numberToF16Bits } from './half.js';
import type { ElementArray } from './views.js';

export type BinaryOp = 'add' | 'sub' | 'mul';

/**
 * Rewrites every NaN in `out` as the canonical quiet NaN, on bits. A second pass instead of a
 * test inside the arithmetic loop: V8 keeps the plain loops tight (2-4x faster measured).
 */
export function canonicalizeF32(out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) {
    if (((bits[i] as number) & 0x7fffffff) > 0x7f800000) bits[i] = 0x7fc00000;
  }
}

export function canonicalizeF64(out: Float64Array): void {
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let i = 0; i < out.length; i++) {
    const value = out[i] as number;
    if (value !== value) {
      words[2 * i] = 0; // little-endian: low word first
      words[2 * i + 1] = 0x7ff80000;
    }
  }
}

export function addF32(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  canonicalizeF32(out);
}

export function subF32(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  canonicalizeF32(out);
}

export function mulF32(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) * (b[i] as number);
  canonicalizeF32(out);
}

/** out = alpha * a (alpha a float64; product rounded once to float32). */
export function scaleF32(a: Float32Array, alpha: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * (a[i] as number);
  canonicalizeF32(out);
}

/** out = alpha * x + y, in float64 without fused multiply-add, rounded once to float32. */
export function axpyF32(alpha: number, x: Float32Array, y: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * (x[i] as number) + (y[i] as number);
  canonicalizeF32(out);
}

export function addF64(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  canonicalizeF64(out);
}

export function subF64(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) - (b[i] as number);
  canonicalizeF64(out);
}

export function mulF64(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) * (b[i] as number);
  canonicalizeF64(out);
}

export function scaleF64(a: Float64Array, alpha: number, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * (a[i] as number);
  canonicalizeF64(out);
}

export function axpyF64(alpha: number, x: Float64Array, y: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * (x[i] as number) + (y[i] as number);
  canonicalizeF64(out);
}

/** A float16/bfloat16 kernel: decode to float64, compute, round once back. */
function halfKernel(
  dtype: 'float16' | 'bfloat16',
  count: number,
  out: Uint16Array,
  compute: (i: number, decode: (bits: number) => number) => number,
): void {
  const decode = dtype === 'float16' ? f16BitsToNumber : bf16BitsToNumber;
  const encode = dtype === 'float16' ? numberToF16Bits : numberToBf16Bits;
  for (let i = 0; i < count; i++) out[i] = encode(compute(i, decode));
}

function binaryNumber(op: BinaryOp, x: number, y: number): number {
  return op === 'add' ? x + y : op === 'sub' ? x - y : x * y;
}

/**
 * a op b for the dtypes without a dedicated kernel: float16/bfloat16 via float64, integers of
 * 32 bits or fewer with wrap-around (Math.imul keeps 32-bit products exact), 64-bit integers as
 * BigInt (stores wrap). `a`, `b`, `out` are views of the same dtype and length.
 */
export function binaryGeneric(
  dtype: DType,
  op: BinaryOp,
  a: ElementArray,
  b: ElementArray,
  out: ElementArray,
): void {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const x = a as Uint16Array;
    const y = b as Uint16Array;
    halfKernel(dtype, out.length, out as Uint16Array, (i, decode) =>
      binaryNumber(op, decode(x[i] ?? 0), decode(y[i] ?? 0)),
    );
  } else if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    const x = a as BigInt64Array;
    const y = b as BigInt64Array;
    for (let i = 0; i < out.length; i++) {
      const p = x[i] ?? 0n;
      const q = y[i] ?? 0n;
      out[i] = op === 'add' ? p + q : op === 'sub' ? p - q : p * q;
    }
  } else {
    const x = a as Int32Array;
    const y = b as Int32Array;
    const o = out as Int32Array;
    for (let i = 0; i < o.length; i++) {
      const p = x[i] ?? 0;
      const q = y[i] ?? 0;
      o[i] = op === 'add' ? p + q : op === 'sub' ? p - q : Math.imul(p, q);
    }
  }
}

/**
 * out = alpha * x + y (y absent: out = alpha * x) for the generic dtypes. For integer dtypes
 * alpha is an integer and the result wraps; for halves alpha is a float64.
 */
export function axpyGeneric(
  dtype: DType,
  alpha: number | bigint,
  x: ElementArray,
  y: ElementArray | undefined,
  out: ElementArray,
): void {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const a = Number(alpha);
    const xs = x as Uint16Array;
    const ys = y as Uint16Array | undefined;
    halfKernel(dtype, out.length, out as Uint16Array, (i, decode) =>
      ys === undefined ? a * decode(xs[i] ?? 0) : a * decode(xs[i] ?? 0) + decode(ys[i] ?? 0),
    );
  } else if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    const a = BigInt(alpha);
    const xs = x as BigInt64Array;
    const ys = y as BigInt64Array | undefined;
    for (let i = 0; i < out.length; i++) out[i] = a * (xs[i] ?? 0n) + (ys?.[i] ?? 0n);
  } else {
    // Products mod 2^32 are exact with Math.imul, and wrapping commutes with multiplication.
    const a = Number(BigInt.asIntN(32, BigInt(alpha)));
    const xs = x as Int32Array;
    const ys = y as Int32Array | undefined;
    const o = out as Int32Array;
    for (let i = 0; i < o.length; i++) o[i] = Math.imul(a, xs[i] ?? 0) + (ys?.[i] ?? 0);
  }
}
