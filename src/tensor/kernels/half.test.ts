import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bf16BitsToF32Bits,
  bf16BitsToNumber,
  f16BitsToF32Bits,
  f16BitsToNumber,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  numberToBf16Bits,
  numberToF16Bits,
} from './half.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number): number => {
  f32[0] = x;
  return u32[0] ?? 0;
};
const isF16NaN = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isBf16NaN = (h: number): boolean => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

test('float16 known encodings', () => {
  const cases: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00], // halfway to the next binade rounds to even: infinity
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [0, 0],
    [-0, 0x8000],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: ties to even (0)
    [3 * 2 ** -26, 0x0001], // 0.75 of it rounds up
    [3 * 2 ** -25, 0x0002], // 1.5 ulps: ties to even (2)
    [2 ** -14, 0x0400], // smallest normal
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+ulp: even (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie: even (1+2ulp)
    [0.1, 0x2e66],
  ];
  for (const [value, bits] of cases) {
    assert.equal(numberToF16Bits(value), bits, `number ${value}`);
    if (Math.fround(value) === value)
      assert.equal(f32BitsToF16Bits(bitsOf(value)), bits, `f32 ${value}`);
  }
  assert.equal(numberToF16Bits(NaN), 0x7e00);
  assert.ok(Number.isNaN(f16BitsToNumber(0x7e00)));
  assert.equal(f16BitsToNumber(0x0001), 2 ** -24);
  assert.equal(f16BitsToNumber(0x7bff), 65504);
});

test('every float16 round-trips through float32 and through a number', () => {
  for (let h = 0; h < 0x10000; h++) {
    const back = f32BitsToF16Bits(f16BitsToF32Bits(h));
    if (isF16NaN(h)) {
      assert.ok(isF16NaN(back), `NaN ${h.toString(16)} stays NaN`);
      assert.equal(back & 0x8000, h & 0x8000, 'NaN sign kept');
      continue;
    }
    assert.equal(back, h, `f16 ${h.toString(16)}`);
    assert.equal(numberToF16Bits(f16BitsToNumber(h)), h, `number path ${h.toString(16)}`);
  }
});

test('every bfloat16 round-trips through float32 and through a number', () => {
  for (let h = 0; h < 0x10000; h++) {
    const back = f32BitsToBf16Bits(bf16BitsToF32Bits(h));
    if (isBf16NaN(h)) {
      assert.ok(isBf16NaN(back));
      continue;
    }
    assert.equal(back, h);
    assert.equal(numberToBf16Bits(bf16BitsToNumber(h)), h);
  }
});

test('float32 -> half on bits agrees with the exact number path (random and edge bits)', () => {
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const samples: number[] = [
    0x00000001, 0x007fffff, 0x33000000, 0x33000001, 0x387fe000, 0x38800000, 0x477fefff, 0x477ff000,
    0x7f7fffff,
  ];
  for (let i = 0; i < 200_000; i++) samples.push(next());
  for (const bits of samples) {
    f32[0] = 0;
    u32[0] = bits;
    const value = f32[0] ?? 0;
    if (Number.isNaN(value)) continue;
    assert.equal(f32BitsToF16Bits(bits), numberToF16Bits(value), `f16 of ${bits.toString(16)}`);
    assert.equal(f32BitsToBf16Bits(bits), numberToBf16Bits(value), `bf16 of ${bits.toString(16)}`);
  }
});

test('bfloat16 known encodings', () => {
  assert.equal(numberToBf16Bits(1), 0x3f80);
  assert.equal(numberToBf16Bits(-Infinity), 0xff80);
  assert.equal(numberToBf16Bits(1 + 2 ** -8), 0x3f80); // tie: even
  assert.equal(numberToBf16Bits(1 + 3 * 2 ** -8), 0x3f82); // tie: even
  assert.equal(numberToBf16Bits(3.4e38), 0x7f80); // rounds past the largest finite: inf
  assert.equal(numberToBf16Bits(NaN), 0x7fc0);
  assert.equal(f32BitsToBf16Bits(0x7f800001), 0x7fc0, 'signalling NaN is quieted, stays NaN');
  assert.equal(bf16BitsToNumber(0x0001), 2 ** -133, 'subnormal');
});
