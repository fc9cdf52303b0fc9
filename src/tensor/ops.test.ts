import { test } from 'node:test';
import assert from 'node:assert/strict';
import { native, useNative } from '../shared/native.js';
import * as ops from './ops.js';
import { Tensor } from './tensor.js';

const skip = native() === undefined ? 'native addon not built' : false;

function floats(dtype: 'float32' | 'float64', length: number, seed: number): Tensor {
  const values = Array.from({ length }, (_, i) => Math.sin(seed * 1000 + i) * 10 ** ((i % 7) - 3));
  values[1] = NaN;
  values[2] = -Infinity;
  values[3] = dtype === 'float32' ? 1e-45 : 5e-324;
  const data = dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
  return Tensor.of(dtype, [length], Buffer.from(data.buffer));
}

/** Runs `fn` on the TypeScript path and on the native path; both must give the same result. */
function bothPaths<T>(fn: () => T): [T, T] {
  const previous = useNative(false);
  try {
    const viaTs = fn();
    useNative(true);
    return [viaTs, fn()];
  } finally {
    useNative(previous);
  }
}

test('ops give the same bits with and without the addon (every dispatching op)', { skip }, () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const length of [5, 64, 1001]) {
      const a = floats(dtype, length, 1);
      const b = floats(dtype, length, 2);
      for (const op of ['add', 'sub', 'mul'] as const) {
        const [x, y] = bothPaths(() => ops.binary(op, a, b).data);
        assert.deepEqual(y, x, `${op} ${dtype} ${length}`);
      }
      const [s1, s2] = bothPaths(() => ops.axpy(0.3, a, undefined).data);
      assert.deepEqual(s2, s1);
      const [p1, p2] = bothPaths(() => ops.axpy(-1.5, a, b).data);
      assert.deepEqual(p2, p1);
      const finite = floats(dtype, length, 4);
      (finite.view() as Float32Array).fill(0.25, 1, 4); // no NaN/Inf: comparable sums
      for (const reduce of ['sum', 'mean', 'norm'] as const) {
        const [r1, r2] = bothPaths(() => ops.reduce(finite, reduce));
        assert.ok(Number.isFinite(r1));
        assert.equal(r2, r1, `${reduce} ${dtype}`);
      }
      const [d1, d2] = bothPaths(() => ops.dot(finite, finite));
      assert.equal(d2, d1);
    }
  }
  const f32 = floats('float32', 999, 3);
  for (const dtype of ['float16', 'bfloat16'] as const) {
    const [c1, c2] = bothPaths(() => {
      const half = ops.cast(f32, dtype);
      assert.ok(half instanceof Tensor);
      const back = ops.cast(half, 'float32');
      assert.ok(back instanceof Tensor);
      return Buffer.concat([half.data, back.data]);
    });
    assert.deepEqual(c2, c1, dtype);
  }
});

test('cast from 64-bit integers rounds once, to nearest even, as numpy astype', () => {
  const int64 = (...values: bigint[]): Tensor =>
    Tensor.of('int64', [values.length], Buffer.from(BigInt64Array.from(values).buffer));
  const bitsOf = (t: Tensor | unknown, width: 2 | 4): number[] => {
    assert.ok(t instanceof Tensor);
    return Array.from({ length: t.length }, (_, i) =>
      width === 4 ? t.data.readUInt32LE(i * 4) : t.data.readUInt16LE(i * 2),
    );
  };
  // numpy: np.array([2**62 + 2**38 + 1, -(2**62 + 2**38 + 1)]).astype(np.float32)
  const big = 2n ** 62n + 2n ** 38n + 1n;
  assert.deepEqual(
    bitsOf(ops.cast(int64(big, -big, 3n, -(2n ** 63n)), 'float32'), 4),
    [0x5e800001, 0xde800001, 0x40400000, 0xdf000000],
  );
  const u = 2n ** 63n + 2n ** 39n + 1n;
  const uint64 = Tensor.of('uint64', [1], Buffer.from(BigUint64Array.of(u).buffer));
  assert.deepEqual(bitsOf(ops.cast(uint64, 'float32'), 4), [0x5f000001]);
  // 2^60 (1 + 2^-8 + 2^-60): just above a bfloat16 tie, so it rounds up; as a double first
  // it would be the tie itself, which rounds to even (down).
  assert.deepEqual(bitsOf(ops.cast(int64(2n ** 60n + 2n ** 52n + 1n), 'bfloat16'), 2), [0x5d81]);
  // Exact in a double: unchanged path.
  assert.deepEqual(bitsOf(ops.cast(int64(2n ** 60n + 2n ** 52n), 'bfloat16'), 2), [0x5d80]);
});
