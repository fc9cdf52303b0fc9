import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemlayerError } from '../../shared/errors.js';
import { ALL_DTYPES } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { sampleBytes, SAMPLE_SHAPE } from '../../tensor/testing.js';
import { decodeTensor, encodeTensor } from './tensor.js';
import { decodeValue, encodeValue } from './index.js';

test('every dtype round-trips through the snapshot codec bit for bit', () => {
  for (const dtype of ALL_DTYPES) {
    const tensor = Tensor.of(dtype, SAMPLE_SHAPE, sampleBytes(dtype));
    const decoded = decodeTensor(encodeTensor(tensor));
    assert.ok(decoded instanceof Tensor);
    assert.equal(decoded.dtype, dtype);
    assert.deepEqual(decoded.shape, SAMPLE_SHAPE);
    assert.deepEqual(decoded.data, tensor.data, dtype);
    assert.equal(decoded.data.byteOffset % 8, 0, 'decoded elements are aligned');
  }
});

test('a scalar and an unaligned record decode', () => {
  const scalar = Tensor.of('float64', [], Buffer.from(new Float64Array([Math.PI]).buffer));
  const bytes = encodeTensor(scalar);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const decoded = decodeTensor(shifted.subarray(3));
  assert.ok(decoded instanceof Tensor);
  assert.deepEqual(decoded.shape, []);
  assert.equal(decoded.data.readDoubleLE(0), Math.PI);
});

test('corrupt records are refused', () => {
  const good = encodeTensor(Tensor.of('int32', [2], Buffer.alloc(8)));
  const bad = (mutate: (b: Uint8Array) => Uint8Array): void => {
    assert.throws(
      () => decodeTensor(mutate(Uint8Array.from(good))),
      (error: unknown) => error instanceof MemlayerError && error.code === 'ERR_SNAPSHOT_CORRUPT',
    );
  };
  bad((b) => b.subarray(0, 4)); // truncated header
  bad((b) => ((b[0] = 9), b)); // version
  bad((b) => ((b[1] = 99), b)); // dtype code
  bad((b) => ((b[2] = 3), b)); // rank beyond the bytes
  bad((b) => b.subarray(0, b.length - 1)); // element bytes short
  bad((b) => ((b[8] = 0), b)); // zero dimension
});

test("the store's kind dispatch (codecs/index.ts) round-trips a tensor", () => {
  const tensor = Tensor.of('uint64', SAMPLE_SHAPE, sampleBytes('uint64'));
  const decoded = decodeValue('tensor', encodeValue(tensor));
  assert.ok(decoded instanceof Tensor);
  assert.deepEqual(decoded.data, tensor.data);
});
