import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader, ByteWriter } from './bytes.js';
import { MemlayerError } from '../shared/errors.js';

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

test('ByteReader bounds a length prefix by the bytes after it, never reading past its end', () => {
  // A string of 3 bytes declared where only 2 follow the prefix inside [0, 3): the bytes after
  // the end (here 'Z') must not be taken, and a bytes field likewise.
  const input = Buffer.from([3, 0x61, 0x62, 0x5a]);
  for (const read of [(r: ByteReader) => r.string('s'), (r: ByteReader) => r.bytesField('b')]) {
    const reader = new ByteReader(input, 'ERR_TEST', 'input', 0, 3);
    assert.throws(
      () => read(reader),
      (err: unknown) =>
        err instanceof MemlayerError &&
        err.code === 'ERR_TEST' &&
        /length 3 exceeds 2/.test(err.message),
    );
  }
  const exact = new ByteReader(Buffer.from([2, 0x61, 0x62, 0x5a]), 'ERR_TEST', 'input', 0, 3);
  assert.equal(exact.string('s'), 'ab');
  exact.expectEnd();
  // Offsets in errors count from `origin`: where these bytes sit in a larger input.
  const windowed = new ByteReader(Buffer.from([1]), 'ERR_TEST', 'input', 0, 1, 1000);
  windowed.u8();
  assert.throws(() => windowed.u8('tag'), /truncated tag at byte 1001/);
});
