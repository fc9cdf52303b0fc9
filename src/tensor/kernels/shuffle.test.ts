import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shuffle, unshuffle } from './shuffle.js';

test('shuffle groups byte k of every element and keeps the tail', () => {
  const source = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const target = new Uint8Array(9);
  shuffle(source, 4, target);
  assert.deepEqual([...target], [1, 5, 2, 6, 3, 7, 4, 8, 9]);
  const back = new Uint8Array(9);
  unshuffle(target, 4, back);
  assert.deepEqual(back, source);
});

test('shuffle round-trips for every width and odd lengths', () => {
  for (const width of [1, 2, 3, 4, 8]) {
    for (const length of [0, 1, 7, 8, 9, 33, 1001]) {
      const source = Uint8Array.from({ length }, (_, i) => (i * 37 + width) & 0xff);
      const mid = new Uint8Array(length);
      const back = new Uint8Array(length);
      shuffle(source, width, mid);
      unshuffle(mid, width, back);
      assert.deepEqual(back, source, `width ${width} length ${length}`);
    }
  }
});
