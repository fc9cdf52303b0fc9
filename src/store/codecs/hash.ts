/** Snapshot codec for hashes: count, then (field, value) pairs as length-prefixed bytes. */
import { ByteReader, ByteWriter } from '../bytes.js';
import { HashValue } from '../values.js';

export function encodeHash(value: HashValue): Uint8Array {
  const writer = new ByteWriter(16 + value.fields.size * 16);
  writer.varint(value.fields.size);
  for (const [field, fieldValue] of value.fields) {
    writer.string(field);
    writer.string(fieldValue);
  }
  return writer.take();
}

export function decodeHash(bytes: Uint8Array): HashValue {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'hash value');
  const count = reader.count('field count', reader.remaining);
  const value = new HashValue();
  for (let i = 0; i < count; i++) {
    const field = reader.string('field');
    value.fields.set(field, reader.string('value'));
  }
  reader.expectEnd();
  if (value.fields.size !== count) reader.fail('duplicate field');
  return value;
}
