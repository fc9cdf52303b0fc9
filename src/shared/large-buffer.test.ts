import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allocLarge, LARGE_BUFFER_MIN_BYTES } from './large-buffer.js';
import { nativeMemory, nativeStatus, useNative } from './native.js';

const memory = nativeMemory();
const skip =
  memory === undefined ? `native addon not built (${nativeStatus().reason ?? ''})` : false;
const MiB = 1024 * 1024;

function anonHugeKiB(): number {
  const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
  return Number(/AnonHugePages:\s+(\d+)/.exec(text)?.[1] ?? 0);
}

test('a large buffer has exactly the size asked, and every byte of it is usable', () => {
  for (const bytes of [LARGE_BUFFER_MIN_BYTES, LARGE_BUFFER_MIN_BYTES + 12_345, 3 * MiB + 1]) {
    const buf = allocLarge(bytes);
    assert.ok(Buffer.isBuffer(buf));
    assert.equal(buf.length, bytes);
    buf.fill(0xa5);
    buf[0] = 1;
    buf[bytes - 1] = 2;
    assert.equal(buf[0], 1);
    assert.equal(buf[bytes - 1], 2);
    assert.equal(buf[bytes >> 1], 0xa5);
    assert.equal(
      buf.subarray(1, bytes - 1).every((b) => b === 0xa5),
      true,
    );
  }
});

test('alloc_huge maps whole huge pages, advised for THP', { skip }, () => {
  const huge = memory?.alloc_huge(32 * MiB + 7);
  assert.ok(huge !== null && huge !== undefined);
  assert.equal(huge.length, 32 * MiB + 7);
  // Its own mapping: the Buffer starts at offset 0 of an ArrayBuffer of its size.
  assert.equal(huge.byteOffset, 0);
  assert.equal(huge.buffer.byteLength, 32 * MiB + 7);
  const thp = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
  const before = anonHugeKiB();
  huge.fill(1);
  // Where THP is on (always or madvise), touching it brings in huge pages; with "never" the
  // advice is ignored and the buffer is ordinary memory, which is still correct.
  if (!thp.includes('[never]')) assert.ok(anonHugeKiB() > before, 'no huge pages mapped');
});

test('V8 counts mappings as external memory (INFO used_memory sees them)', { skip }, () => {
  // Whatever else is collected meanwhile, the live mappings alone are at least this much.
  const held = [1, 2, 3, 4].map(() => memory?.alloc_huge(64 * MiB));
  assert.ok(held.every((buf) => buf instanceof Buffer));
  const external = process.memoryUsage().external;
  assert.ok(external >= 256 * MiB, `external is ${external >> 20} MiB`);
});

test('alloc_huge rejects sizes that are not a positive integer', { skip }, () => {
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 47]) {
    assert.throws(() => memory?.alloc_huge(bad), RangeError, String(bad));
  }
  assert.throws(() => (memory?.alloc_huge as unknown as (x: unknown) => unknown)('8'), TypeError);
});

test('mappings are returned when their buffers are collected', { skip }, async () => {
  const rss = process.memoryUsage().rss;
  // 48 x 64 MiB = 3 GiB mapped and touched in turn; kept, it would be 3 GiB of RSS.
  for (let i = 0; i < 48; i++) {
    allocLarge(64 * MiB).fill(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const grown = process.memoryUsage().rss - rss;
  assert.ok(grown < 1024 * MiB, `RSS grew by ${grown >> 20} MiB`);
});

test('without the addon, large buffers are ordinary Buffers', () => {
  const previous = useNative(false);
  try {
    const buf = allocLarge(LARGE_BUFFER_MIN_BYTES * 2);
    assert.equal(buf.length, LARGE_BUFFER_MIN_BYTES * 2);
    assert.equal(nativeMemory(), undefined);
  } finally {
    useNative(previous);
  }
});
