/**
 * IEEE binary16 (float16) and bfloat16 conversions, bit-exact and pure. Every rounding is
 * round-to-nearest-even from the exact value; subnormals, ±0 and ±Inf are exact; NaN payloads
 * survive float16/bfloat16 <-> float32 conversions on bits (quieted, as hardware does), and a
 * NaN computed from a JS number becomes the canonical quiet NaN (0x7e00 / 0x7fc0), because a
 * JS number cannot carry a payload reliably. native/src/half.h implements the same algorithms.
 */

const F16_NAN = 0x7e00;
const BF16_NAN = 0x7fc0;

/** float16 bits -> float32 bits (exact; NaN payload kept). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half: normalise into a float32 normal.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** float32 bits -> float16 bits, round to nearest even; NaN stays NaN (quiet, top payload). */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant !== 0 ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00;
  if (exp > 142) return sign | 0x7c00;
  if (exp >= 113) {
    let half = ((exp - 112) << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++;
    return sign | half;
  }
  if (exp < 102) return sign;
  const m = mant | 0x800000;
  const shift = 126 - exp;
  let half = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++;
  return sign | half;
}

/** bfloat16 bits -> float32 bits: the top half of a float32. */
export function bf16BitsToF32Bits(h: number): number {
  return (h << 16) >>> 0;
}

/** float32 bits -> bfloat16 bits, round to nearest even; NaN quieted with its top payload. */
export function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  const bias = 0x7fff + ((x >>> 16) & 1);
  return ((x + bias) >>> 16) & 0xffff;
}

const scratch = new DataView(new ArrayBuffer(8));

export function f16BitsToNumber(h: number): number {
  scratch.setUint32(0, f16BitsToF32Bits(h));
  return scratch.getFloat32(0);
}

export function bf16BitsToNumber(h: number): number {
  scratch.setUint32(0, bf16BitsToF32Bits(h));
  return scratch.getFloat32(0);
}

/** The exact binary exponent floor(log2 x) of a finite x > 0. */
function exponentOf(x: number): number {
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  return e;
}

/**
 * Rounds a JS number (a double) straight to a binary format with `mantBits` fraction bits and
 * `expBits` exponent bits, nearest-even, with no intermediate float32 (no double rounding).
 */
function roundToBits(value: number, mantBits: number, expBits: number, nanBits: number): number {
  if (value !== value) return nanBits;
  const expAll = (1 << expBits) - 1;
  const bias = (expAll >>> 1) | 0;
  const sign = value < 0 || Object.is(value, -0) ? 1 << (mantBits + expBits) : 0;
  const x = Math.abs(value);
  if (x === Infinity) return sign | (expAll << mantBits);
  if (x === 0) return sign;
  const exponentMin = 1 - bias;
  const e = Math.max(exponentOf(x), exponentMin);
  const scaled = x * 2 ** (mantBits - e); // a power-of-two scale: exact
  let m = Math.floor(scaled);
  const fraction = scaled - m;
  if (fraction > 0.5 || (fraction === 0.5 && m % 2 === 1)) m++;
  const implicit = 2 ** mantBits;
  if (m < implicit) return sign | m; // subnormal (e == exponentMin)
  let biased = e + bias;
  if (m >= 2 * implicit) {
    m /= 2;
    biased++;
  }
  if (biased >= expAll) return sign | (expAll << mantBits);
  return sign | (biased << mantBits) | (m - implicit);
}

/** A JS number -> float16 bits, nearest even (NaN -> 0x7e00). */
export function numberToF16Bits(value: number): number {
  return roundToBits(value, 10, 5, F16_NAN);
}

/** A JS number -> bfloat16 bits, nearest even (NaN -> 0x7fc0). */
export function numberToBf16Bits(value: number): number {
  return roundToBits(value, 7, 8, BF16_NAN);
}

/** Bulk conversions over bit arrays (float32 as Uint32 bits so NaN payloads survive). */
export function f16ToF32(source: Uint16Array, target: Uint32Array): void {
  for (let i = 0; i < source.length; i++) target[i] = f16BitsToF32Bits(source[i] ?? 0);
}

export function f32ToF16(source: Uint32Array, target: Uint16Array): void {
  for (let i = 0; i < source.length; i++) target[i] = f32BitsToF16Bits(source[i] ?? 0);
}

export function bf16ToF32(source: Uint16Array, target: Uint32Array): void {
  for (let i = 0; i < source.length; i++) target[i] = bf16BitsToF32Bits(source[i] ?? 0);
}

export function f32ToBf16(source: Uint32Array, target: Uint16Array): void {
  for (let i = 0; i < source.length; i++) target[i] = f32BitsToBf16Bits(source[i] ?? 0);
}
