/**
 * Snapshot codec for sorted sets: a varint count, then (member as a length-prefixed latin1
 * string, score as a little-endian f64) pairs in ascending order (src/store/bytes.ts), so that
 * decoding appends without searching. Corrupt input (truncated, trailing bytes, a NaN score,
 * duplicate or out-of-order pairs) throws MemlayerError ERR_SNAPSHOT_CORRUPT.
 */
import { assert } from '../../shared/assert.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import type { Value, ZSetValue } from '../values.js';
import { SortedSet } from '../zset.js';

/** Fewest bytes one pair can take: a one-byte length and the score. */
const PAIR_BYTES_MIN = 9;

export function encodeZSet(value: ZSetValue): Uint8Array {
  assert(value instanceof SortedSet, 'zset codec: unknown ZSetValue implementation');
  const writer = new ByteWriter(16 + value.size * 24);
  writer.varint(value.size);
  for (const [member, score] of value.entries()) {
    writer.string(member);
    writer.f64(score);
  }
  return writer.take();
}

export function decodeZSet(bytes: Uint8Array): Value {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'zset value');
  const count = reader.count('member count', Math.floor(reader.remaining / PAIR_BYTES_MIN));
  const zset = new SortedSet();
  let previousMember = '';
  let previousScore = -Infinity;
  for (let i = 0; i < count; i++) {
    const member = reader.string('member');
    const score = reader.f64('score');
    if (Number.isNaN(score)) reader.fail('NaN score');
    const ordered =
      i === 0 || previousScore < score || (previousScore === score && previousMember < member);
    if (!ordered || zset.has(member)) reader.fail('members out of order or repeated');
    zset.append(member, score);
    previousMember = member;
    previousScore = score;
  }
  reader.expectEnd();
  return zset;
}
