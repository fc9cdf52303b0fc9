import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeId } from '../shared/brand.js';
import { decodeConfChange, encodeConfChange } from './codec.js';
import { RaftError, type ConfChange } from './types.js';

const invalid = (err: unknown) => err instanceof RaftError && err.code === 'invalidConfig';

test('conf change codec round-trips every type with its context', () => {
  for (const type of ['addLearner', 'promote', 'removeNode'] as const) {
    const cc: ConfChange = {
      type,
      node: nodeId(4_000_000_000),
      context: new Uint8Array([0, 255, 7]),
    };
    assert.deepEqual(decodeConfChange(encodeConfChange(cc)), cc);
  }
});

test('conf change codec rejects malformed bytes and bad input with invalidConfig', () => {
  const good = encodeConfChange({ type: 'promote', node: nodeId(3), context: new Uint8Array([1]) });
  assert.throws(() => decodeConfChange(good.subarray(0, 5)), invalid);
  assert.throws(() => decodeConfChange(Uint8Array.of(2, ...good.subarray(1))), invalid);
  assert.throws(() => decodeConfChange(Uint8Array.of(1, 9, ...good.subarray(2))), invalid);
  assert.throws(() => decodeConfChange(Uint8Array.of(...good, 0)), invalid);
  assert.throws(
    () => encodeConfChange({ type: 'promote', node: nodeId(0), context: new Uint8Array() }),
    invalid,
  );
});
