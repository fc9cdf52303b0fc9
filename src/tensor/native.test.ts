import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native, nativeStatus } from '../shared/native.js';
import * as ew from './kernels/elementwise.js';
import * as half from './kernels/half.js';
import * as rd from './kernels/reduce.js';
import { shuffle, unshuffle } from './kernels/shuffle.js';

const addon = native();
const skip =
  addon === undefined ? `native addon not built (${nativeStatus().reason ?? ''})` : false;

/** Deterministic random float bits with NaN (incl. payloads), ±Inf, ±0 and subnormals mixed in. */
function randomF32(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  const bits = new Uint32Array(out.buffer);
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s;
  };
  const specials = [
    0x7fc00000, 0x7f800001, 0xffc12345, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x807fffff,
    0x00400000,
  ];
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r % 11 === 0) bits[i] = specials[r % specials.length] ?? 0;
    else if (r % 5 === 0)
      bits[i] = r; // anything, any exponent
    else out[i] = ((r / 2 ** 32) * 2 - 1) * 1000;
  }
  return out;
}

function randomF64(length: number, seed: number): Float64Array {
  const f = randomF32(length, seed);
  const out = Float64Array.from(f, (v, i) => v * (1 + i * 1e-9));
  out[0] = 5e-324; // a float64 denormal
  return out;
}

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const LENGTHS = [0, 1, 7, 8, 9, 31, 1023, 4097];

test('native and TypeScript element-wise float32 kernels give the same bits', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  for (const length of LENGTHS) {
    const a = randomF32(length, length + 1);
    const b = randomF32(length, length + 2);
    const pairs: [string, (o: Float32Array) => void, (o: Float32Array) => void][] = [
      ['add', (o) => ew.addF32(a, b, o), (o) => n.add_f32(a, b, o)],
      ['sub', (o) => ew.subF32(a, b, o), (o) => n.sub_f32(a, b, o)],
      ['mul', (o) => ew.mulF32(a, b, o), (o) => n.mul_f32(a, b, o)],
      ['scale', (o) => ew.scaleF32(a, -0.37, o), (o) => n.scale_f32(a, -0.37, o)],
      ['axpy', (o) => ew.axpyF32(1e-3, a, b, o), (o) => n.axpy_f32(1e-3, a, b, o)],
    ];
    for (const [name, ts, c] of pairs) {
      const x = new Float32Array(length);
      const y = new Float32Array(length);
      ts(x);
      c(y);
      assert.deepEqual(bytes(y), bytes(x), `${name} length ${length}`);
    }
  }
});

test('native and TypeScript element-wise float64 kernels give the same bits', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  for (const length of LENGTHS) {
    const a = randomF64(length, 7 * length + 1);
    const b = randomF64(length, 7 * length + 2);
    const pairs: [string, (o: Float64Array) => void, (o: Float64Array) => void][] = [
      ['add', (o) => ew.addF64(a, b, o), (o) => n.add_f64(a, b, o)],
      ['sub', (o) => ew.subF64(a, b, o), (o) => n.sub_f64(a, b, o)],
      ['mul', (o) => ew.mulF64(a, b, o), (o) => n.mul_f64(a, b, o)],
      ['scale', (o) => ew.scaleF64(a, 3.5, o), (o) => n.scale_f64(a, 3.5, o)],
      ['axpy', (o) => ew.axpyF64(-2.25, a, b, o), (o) => n.axpy_f64(-2.25, a, b, o)],
    ];
    for (const [name, ts, c] of pairs) {
      const x = new Float64Array(length);
      const y = new Float64Array(length);
      ts(x);
      c(y);
      assert.deepEqual(bytes(y), bytes(x), `${name} length ${length}`);
    }
  }
});

test(
  'large outputs (streamed stores) give the same bits: unaligned, and in place',
  { skip },
  () => {
    const n = addon;
    if (n === undefined) return;
    // Above the addon's 4 MiB streaming threshold, odd lengths so a scalar tail runs too.
    const f32 = 1_100_003;
    const a = randomF32(f32, 91);
    const b = randomF32(f32, 92);
    type K32 = (x: Float32Array, y: Float32Array, o: Float32Array) => void;
    const k32: [string, K32, K32][] = [
      ['add', (x, y, o) => ew.addF32(x, y, o), (x, y, o) => n.add_f32(x, y, o)],
      ['sub', (x, y, o) => ew.subF32(x, y, o), (x, y, o) => n.sub_f32(x, y, o)],
      ['mul', (x, y, o) => ew.mulF32(x, y, o), (x, y, o) => n.mul_f32(x, y, o)],
      ['scale', (x, _y, o) => ew.scaleF32(x, -0.37, o), (x, _y, o) => n.scale_f32(x, -0.37, o)],
      ['axpy', (x, y, o) => ew.axpyF32(1e-3, x, y, o), (x, y, o) => n.axpy_f32(1e-3, x, y, o)],
    ];
    for (const [name, ts, c] of k32) {
      const expected = new Float32Array(f32);
      ts(a, b, expected);
      // An output one element past a 32-byte boundary: the scalar head runs before the vectors.
      const backing = new Float32Array(f32 + 1);
      const unaligned = backing.subarray(1);
      c(a, b, unaligned);
      assert.deepEqual(bytes(unaligned), bytes(expected), `${name} unaligned`);
      // In place over the first input (the same array: each vector is read before written).
      const inPlace = a.slice();
      c(inPlace, b, inPlace);
      assert.deepEqual(bytes(inPlace), bytes(expected), `${name} in place`);
    }
    const f64 = 600_001;
    const x = randomF64(f64, 93);
    const y = randomF64(f64, 94);
    type K64 = (p: Float64Array, q: Float64Array, o: Float64Array) => void;
    const k64: [string, K64, K64][] = [
      ['add', (p, q, o) => ew.addF64(p, q, o), (p, q, o) => n.add_f64(p, q, o)],
      ['sub', (p, q, o) => ew.subF64(p, q, o), (p, q, o) => n.sub_f64(p, q, o)],
      ['mul', (p, q, o) => ew.mulF64(p, q, o), (p, q, o) => n.mul_f64(p, q, o)],
      ['scale', (p, _q, o) => ew.scaleF64(p, 3.5, o), (p, _q, o) => n.scale_f64(p, 3.5, o)],
      ['axpy', (p, q, o) => ew.axpyF64(-2.25, p, q, o), (p, q, o) => n.axpy_f64(-2.25, p, q, o)],
    ];
    for (const [name, ts, c] of k64) {
      const expected = new Float64Array(f64);
      ts(x, y, expected);
      const backing = new Float64Array(f64 + 1);
      const unaligned = backing.subarray(1);
      c(x, y, unaligned);
      assert.deepEqual(bytes(unaligned), bytes(expected), `${name} f64 unaligned`);
      const inPlace = x.slice();
      c(inPlace, y, inPlace);
      assert.deepEqual(bytes(inPlace), bytes(expected), `${name} f64 in place`);
    }
  },
);

test('native and TypeScript reductions give the same double', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  for (const length of LENGTHS) {
    // Finite inputs so the sums are comparable numbers; NaN inputs are checked below.
    const a = randomF32(length, length + 3).map((v) => (Number.isFinite(v) ? v % 1e6 : 0.5));
    const b = randomF32(length, length + 4).map((v) => (Number.isFinite(v) ? v % 1e6 : -0.5));
    assert.equal(n.sum_f32(a), rd.sumF32(a), `sum ${length}`);
    assert.equal(n.sumsq_f32(a), rd.sumSquaresF32(a), `sumsq ${length}`);
    assert.equal(n.dot_f32(a, b), rd.dotF32(a, b), `dot ${length}`);
    const c = Float64Array.from(a, (v, i) => v * 1.000001 + i);
    const d = Float64Array.from(b);
    assert.equal(n.sum_f64(c), rd.sumF64(c));
    assert.equal(n.sumsq_f64(c), rd.sumSquaresF64(c));
    assert.equal(n.dot_f64(c, d), rd.dotF64(c, d));
  }
  const withNaN = randomF32(100, 9);
  assert.ok(Number.isNaN(n.sum_f32(withNaN)) && Number.isNaN(rd.sumF32(withNaN)));
});

test('native and TypeScript half conversions give the same bits', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  const all = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
  for (const [ts, c] of [
    [half.f16ToF32, n.f16_to_f32],
    [half.bf16ToF32, n.bf16_to_f32],
  ] as const) {
    const x = new Uint32Array(all.length);
    const y = new Uint32Array(all.length);
    ts(all, x);
    c(all, y);
    assert.deepEqual(y, x);
  }
  for (const length of LENGTHS) {
    const src = new Uint32Array(randomF32(length, length + 5).buffer);
    for (const [ts, c] of [
      [half.f32ToF16, n.f32_to_f16],
      [half.f32ToBf16, n.f32_to_bf16],
    ] as const) {
      const x = new Uint16Array(length);
      const y = new Uint16Array(length);
      ts(src, x);
      c(src, y);
      assert.deepEqual(y, x, `length ${length}`);
    }
  }
});

test('native and TypeScript byte shuffle agree', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  for (const width of [2, 4, 8]) {
    for (const length of [0, 5, 64, 1001]) {
      const source = Uint8Array.from({ length }, (_, i) => (i * 131) & 0xff);
      const x = new Uint8Array(length);
      const y = new Uint8Array(length);
      shuffle(source, width, x);
      n.shuffle(source, width, y);
      assert.deepEqual(y, x);
      unshuffle(x, width, x.slice());
      const back = new Uint8Array(length);
      n.unshuffle(y, width, back);
      assert.deepEqual(back, source);
    }
  }
});

test('the addon refuses mismatched lengths instead of overrunning', { skip }, () => {
  const n = addon;
  if (n === undefined) return;
  assert.throws(
    () => n.add_f32(new Float32Array(4), new Float32Array(3), new Float32Array(4)),
    RangeError,
  );
  assert.throws(() => n.sum_f32(42 as unknown as Float32Array), TypeError);
});

test('nativeStatus reports what is in use', () => {
  const status = nativeStatus();
  assert.equal(status.loaded, addon !== undefined);
  if (!status.loaded) assert.ok((status.reason ?? '').length > 0);
});
