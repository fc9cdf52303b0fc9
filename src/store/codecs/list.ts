/**
 * Snapshot codec for lists: a varint count, then each element as a length-prefixed latin1
 * string, head to tail (src/store/bytes.ts). Corrupt input (truncated, a count larger than the
 * bytes could hold, trailing bytes) throws MemlayerError ERR_SNAPSHOT_CORRUPT.
 */
import { assert } from '../../shared/assert.js';
import { ByteReader, ByteWriter } from '../bytes.js';
import { ListDeque } from '../list.js';
import type { ListValue, Value } from '../values.js';

export function encodeList(value: ListValue): Uint8Array {
  assert(value instanceof ListDeque, 'list codec: unknown ListValue implementation');
  const writer = new ByteWriter(16 + value.length * 16);
  writer.varint(value.length);
  for (const element of value) writer.string(element);
  return writer.take();
}

export function decodeList(bytes: Uint8Array): Value {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'list value');
  // Every element takes at least one byte (its length), which bounds the count.
  const count = reader.count('element count', reader.remaining);
  const elements = new Array<string>(count);
  for (let i = 0; i < count; i++) elements[i] = reader.string('element');
  reader.expectEnd();
  return ListDeque.from(elements);
}
