import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTensorValues } from './tensor.js';

test('TENSOR.GET VALUES replies parse: bare array, map form, nil', () => {
  assert.deepEqual(parseTensorValues([1, 2, 3]), [1, 2, 3]);
  assert.deepEqual(parseTensorValues(['4', '5']), [4, 5]);
  assert.deepEqual(parseTensorValues(['dtype', 'int32', 'shape', [2], 'values', [7, 8]]), [7, 8]);
  assert.equal(parseTensorValues(null), null);
});

test('anything else is an error, so a garbled reply never counts as a read', () => {
  assert.throws(() => parseTensorValues('OK'), /unexpected reply/);
  assert.throws(() => parseTensorValues([[1], 2]), /no values/);
  assert.throws(() => parseTensorValues(['dtype', 'int32', 'values', 'x']), /no values/);
});
