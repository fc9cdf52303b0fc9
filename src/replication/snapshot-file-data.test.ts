import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSnapshotData } from './snapshot-file-data.js';

function withFile(run: (path: string, image: Buffer) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'memlayer-snapfile-'));
  try {
    const image = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < image.length; i++) image[i] = (i * 31 + (i >> 11)) & 0xff;
    const path = join(dir, 'g00000001-0000000000000009.snap');
    writeFileSync(path, Buffer.concat([Buffer.from('HEAD!'), image]));
    run(path, image);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('reads any range of the image after the head, clamped as Uint8Array#subarray', () => {
  withFile((path, image) => {
    const data = FileSnapshotData.open(path, 5, image.length);
    assert.equal(data.byteLength, image.length);
    const ranges: [number, number][] = [
      [0, 1],
      [0, 1024 * 1024],
      [1024 * 1024 - 3, 2 * 1024 * 1024 + 5],
      [image.length - 10, image.length],
      [image.length - 10, image.length + 100],
      [-10, image.length],
      [5, 5],
      [9, 3],
      [image.length + 4, image.length + 9],
      [0, image.length],
    ];
    for (const [a, b] of ranges) {
      const got = data.subarray(a, b);
      assert.ok(got instanceof Uint8Array);
      assert.deepEqual(Buffer.from(got), Buffer.from(image.subarray(a, b)), `[${a}, ${b})`);
    }
  });
});

test('keeps reading after the file is removed (a newer snapshot replaced it)', () => {
  withFile((path, image) => {
    const data = FileSnapshotData.open(path, 5, image.length);
    unlinkSync(path);
    assert.deepEqual(Buffer.from(data.subarray(100, 200)), image.subarray(100, 200));
  });
});

test('refuses a file of the wrong size, and says so when it shrinks under it', () => {
  withFile((path, image) => {
    assert.throws(() => FileSnapshotData.open(path, 5, image.length + 1), /expected/);
    assert.throws(() => FileSnapshotData.open(path, 4, image.length), /expected/);
    assert.throws(() => FileSnapshotData.open(`${path}.missing`, 5, image.length), /ENOENT/);
    const data = FileSnapshotData.open(path, 5, image.length);
    truncateSync(path, 1000);
    assert.deepEqual(Buffer.from(data.subarray(0, 900)), image.subarray(0, 900));
    assert.throws(() => data.subarray(0, image.length), /ended at 1000/);
  });
});
