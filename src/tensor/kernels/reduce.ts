/**
 * Reductions with float64 accumulation in a fixed order, so the native twin (which the C
 * compiler may vectorise because the order is spelled out, not reassociated) gives the same
 * bits: eight lanes take elements i ≡ lane (mod 8) of the whole-octet prefix, the lanes are
 * combined pairwise, then the tail is added in order.
 */
import type { ElementArray } from './views.js';

const LANES = 8;

/** Reads element i of any view as a float64 (int64/uint64 round to nearest). */
export type Reader = (i: number) => number;

export function readerOf(view: ElementArray, decode?: (bits: number) => number): Reader {
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) {
    return (i) => Number(view[i] ?? 0n);
  }
  const numbers = view as Float64Array;
  if (decode !== undefined) return (i) => decode(numbers[i] ?? 0);
  return (i) => numbers[i] ?? 0;
}

function combine(acc: Float64Array): number {
  const [a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0] = acc;
  return a0 + a1 + (a2 + a3) + (a4 + a5 + (a6 + a7));
}

/** Sum of term(i) over [0, count) in the fixed lane order. */
function laneSum(count: number, term: (i: number) => number): number {
  const acc = new Float64Array(LANES);
  const whole = count - (count % LANES);
  for (let i = 0; i < whole; i += LANES) {
    for (let j = 0; j < LANES; j++) acc[j] = (acc[j] ?? 0) + term(i + j);
  }
  let sum = combine(acc);
  for (let i = whole; i < count; i++) sum += term(i);
  return sum;
}

export function sumF32(x: Float32Array): number {
  return laneSum(x.length, (i) => x[i] ?? 0);
}

export function sumF64(x: Float64Array): number {
  return laneSum(x.length, (i) => x[i] ?? 0);
}

export function sumSquaresF32(x: Float32Array): number {
  return laneSum(x.length, (i) => {
    const v = x[i] ?? 0;
    return v * v;
  });
}

export function sumSquaresF64(x: Float64Array): number {
  return laneSum(x.length, (i) => {
    const v = x[i] ?? 0;
    return v * v;
  });
}

export function dotF32(a: Float32Array, b: Float32Array): number {
  return laneSum(a.length, (i) => (a[i] ?? 0) * (b[i] ?? 0));
}

export function dotF64(a: Float64Array, b: Float64Array): number {
  return laneSum(a.length, (i) => (a[i] ?? 0) * (b[i] ?? 0));
}

export function sumOf(count: number, read: Reader): number {
  return laneSum(count, read);
}

export function sumSquaresOf(count: number, read: Reader): number {
  return laneSum(count, (i) => {
    const v = read(i);
    return v * v;
  });
}

export function dotOf(count: number, a: Reader, b: Reader): number {
  return laneSum(count, (i) => a(i) * b(i));
}

export type Reduction = 'sum' | 'mean' | 'norm';

/**
 * Reduces along one axis of a row-major tensor: shape [outer, length, inner] around the axis.
 * Each output element accumulates its `length` inputs in order in float64.
 */
export function reduceAxis(
  read: Reader,
  outer: number,
  length: number,
  inner: number,
  reduction: Reduction,
): Float64Array {
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let acc = 0;
      const base = o * length * inner + k;
      for (let j = 0; j < length; j++) {
        const v = read(base + j * inner);
        acc += reduction === 'norm' ? v * v : v;
      }
      out[o * inner + k] =
        reduction === 'mean' ? acc / length : reduction === 'norm' ? Math.sqrt(acc) : acc;
    }
  }
  return out;
}
