/**
 * Snapshot codec for streams: last ID, entries-added counter, count, then each entry as its ID
 * and length-prefixed field/value strings. IDs must ascend; anything else is corruption.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { compareIds, StreamValue } from '../stream.js';

export function encodeStream(value: StreamValue): Uint8Array {
  const writer = new ByteWriter(32 + value.length * 32);
  writer.varint(value.lastId.ms);
  writer.varint(value.lastId.seq);
  writer.varint(value.entriesAdded);
  writer.varint(value.length);
  for (let i = 0; i < value.length; i++) {
    const id = value.idAt(i);
    writer.varint(id.ms);
    writer.varint(id.seq);
    const fields = value.fieldsAt(i);
    writer.varint(fields.length);
    for (const text of fields) writer.string(text);
  }
  return writer.take();
}

export function decodeStream(bytes: Uint8Array): StreamValue {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'stream value');
  const lastId = { ms: reader.varint('last id ms'), seq: reader.varint('last id seq') };
  const entriesAdded = reader.varint('entries added');
  const count = reader.count('entry count', reader.remaining);
  const value = new StreamValue();
  for (let i = 0; i < count; i++) {
    const id = { ms: reader.varint('entry id ms'), seq: reader.varint('entry id seq') };
    if (i > 0 && compareIds(id, value.lastId) <= 0) reader.fail('entry ids out of order');
    const fieldCount = reader.count('field count', reader.remaining);
    if (fieldCount === 0 || fieldCount % 2 !== 0) reader.fail('odd field/value count');
    const fields: string[] = [];
    for (let f = 0; f < fieldCount; f++) fields.push(reader.string('field'));
    value.append(id, fields);
  }
  reader.expectEnd();
  if (value.length > 0 && compareIds(value.lastId, lastId) > 0)
    reader.fail('last id below an entry');
  value.lastId = lastId;
  value.entriesAdded = entriesAdded;
  return value;
}
