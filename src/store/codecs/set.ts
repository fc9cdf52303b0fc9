/** Snapshot codec for sets: count, then members as length-prefixed bytes. */
import { ByteReader, ByteWriter } from '../bytes.js';
import { SetValue } from '../values.js';

export function encodeSet(value: SetValue): Uint8Array {
  const writer = new ByteWriter(16 + value.members.size * 8);
  writer.varint(value.members.size);
  for (const member of value.members) writer.string(member);
  return writer.take();
}

export function decodeSet(bytes: Uint8Array): SetValue {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'set value');
  const count = reader.count('member count', reader.remaining);
  const value = new SetValue();
  for (let i = 0; i < count; i++) value.members.add(reader.string('member'));
  reader.expectEnd();
  if (value.members.size !== count) reader.fail('duplicate member');
  return value;
}
