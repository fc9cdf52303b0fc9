import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemlayerError } from '../../shared/errors.js';
import { ListDeque } from '../list.js';
import { SortedSet } from '../zset.js';
import { decodeList, encodeList } from './list.js';
import { decodeZSet, encodeZSet } from './zset.js';

const binary = String.fromCharCode(0, 255, 13, 10, 128);

test('list round-trips, binary-safe, empty and wrapped', () => {
  const list = ListDeque.from(['a', '', binary, 'x'.repeat(300)]);
  list.pushFront('front'); // wraps the ring buffer
  const decoded = decodeList(encodeList(list));
  assert.ok(decoded instanceof ListDeque);
  assert.deepEqual(decoded.toArray(), list.toArray());
  const empty = decodeList(encodeList(new ListDeque()));
  assert.ok(empty instanceof ListDeque);
  assert.equal(empty.length, 0);
});

test('zset round-trips with infinities, negative zero, ties and binary members', () => {
  const zset = new SortedSet();
  zset.set('b', 1);
  zset.set('a', 1);
  zset.set(binary, -Infinity);
  zset.set('top', Infinity);
  zset.set('neg', -0);
  zset.set('frac', 0.1);
  const decoded = decodeZSet(encodeZSet(zset));
  assert.ok(decoded instanceof SortedSet);
  assert.deepEqual([...decoded.entries()], [...zset.entries()]);
  assert.equal(decoded.rank('top'), 5);
  assert.ok(Object.is(decoded.score('neg'), -0));
});

function assertCorrupt(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    return error instanceof MemlayerError && error.code === 'ERR_SNAPSHOT_CORRUPT';
  });
}

test('corrupt list bytes throw ERR_SNAPSHOT_CORRUPT', () => {
  const good = encodeList(ListDeque.from(['abc', 'def']));
  assertCorrupt(() => decodeList(good.subarray(0, good.length - 1))); // truncated
  assertCorrupt(() => decodeList(Uint8Array.of(...good, 0))); // trailing byte
  assertCorrupt(() => decodeList(Uint8Array.of(0xff, 0xff, 0xff, 0x7f))); // huge count
  assertCorrupt(() => decodeList(new Uint8Array(0)));
});

test('corrupt zset bytes throw ERR_SNAPSHOT_CORRUPT', () => {
  const zset = new SortedSet();
  zset.set('a', 1);
  zset.set('b', 2);
  const good = encodeZSet(zset);
  assertCorrupt(() => decodeZSet(good.subarray(0, good.length - 3)));
  assertCorrupt(() => decodeZSet(Uint8Array.of(...good, 1)));
  // NaN score: overwrite the last 8 bytes (b's score) with a NaN.
  const nan = Uint8Array.from(good);
  new DataView(nan.buffer).setFloat64(nan.length - 8, NaN, true);
  assertCorrupt(() => decodeZSet(nan));
  // Out of order: give b a score below a's.
  const unordered = Uint8Array.from(good);
  new DataView(unordered.buffer).setFloat64(unordered.length - 8, 0, true);
  assertCorrupt(() => decodeZSet(unordered));
  // Duplicate member: count 2, ("a", 1), ("a", 2).
  const duplicate = Uint8Array.from(good);
  duplicate[good.length - 9] = 'a'.charCodeAt(0);
  assertCorrupt(() => decodeZSet(duplicate));
  assertCorrupt(() => decodeZSet(Uint8Array.of(0xff, 0xff, 0x03)));
});
