import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotF32, reduceAxis, sumF32, sumF64, sumSquaresF64 } from './reduce.js';

test('sums accumulate in float64 (float32 inputs do not lose small terms)', () => {
  const x = new Float32Array(1 + 1000).fill(1);
  x[0] = 2 ** 24; // a float32 accumulator would stick at 2^24
  assert.equal(sumF32(x), 2 ** 24 + 1000);
  assert.equal(sumF64(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), 66);
  assert.equal(sumSquaresF64(Float64Array.from([3, 4])), 25);
  assert.equal(dotF32(Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])), 32);
  assert.equal(sumF32(new Float32Array(0)), 0);
  assert.ok(Number.isNaN(sumF32(Float32Array.from([1, NaN, 2]))));
});

test('reduceAxis over each axis of a 2x3 tensor', () => {
  const data = [1, 2, 3, 4, 5, 6];
  const read = (i: number): number => data[i] ?? 0;
  assert.deepEqual([...reduceAxis(read, 1, 2, 3, 'sum')], [5, 7, 9]);
  assert.deepEqual([...reduceAxis(read, 2, 3, 1, 'sum')], [6, 15]);
  assert.deepEqual([...reduceAxis(read, 2, 3, 1, 'mean')], [2, 5]);
  assert.deepEqual(
    [...reduceAxis(read, 1, 2, 3, 'norm')],
    [Math.sqrt(17), Math.sqrt(29), Math.sqrt(45)],
  );
});
