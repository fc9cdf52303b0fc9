import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from './bytes.js';

test('ByteWriter.copy writes short and long spans, as Buffer#copy would, across growth', () => {
  const source = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7 + 3) & 0xff));
  // Starts small, so the copies below move it to larger buffers more than once.
  const writer = new ByteWriter(16);
  const spans: [number, number][] = [
    [0, 0],
    [5, 6],
    [10, 42], // 32 bytes: the longest copied in a loop
    [10, 43], // 33 bytes: by Buffer#copy
    [0, 300],
    [290, 320], // past the source's end: clamped, as Buffer#copy does
    [50, 40], // reversed: nothing
  ];
  const expected: Buffer[] = [];
  for (const [start, end] of spans) {
    writer.copy(source, start, end);
    expected.push(source.subarray(start, Math.max(start, Math.min(end, source.length))));
  }
  assert.deepEqual(Buffer.from(writer.take()), Buffer.concat(expected));
});
