import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median } from './stats.js';

test('median: middle value, mean of the middle two, NaN when empty, input left unsorted', () => {
  const values = [5, 1, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
