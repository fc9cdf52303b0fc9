/**
 * Snapshot codec for streams: last ID, entries-added counter, count, then each entry as its ID
 * and length-prefixed field/value strings. IDs must ascend; anything else is corruption.
 *
 * An ID part is an unsigned LEB128 varint of up to 10 bytes (64 bits). Below 2^53 that is
 * byte for byte the ByteWriter varint that earlier versions wrote, so their snapshots load
 * unchanged and small IDs still encode as before.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { compareIds, idPart, StreamValue, type IdPart, type StreamId } from '../stream.js';

/** 64 bits at 7 per byte. */
const PART_BYTES_MAX = 10;
/** 49 bits: still a safe integer. */
const NUMBER_BYTES_MAX = 7;
const UINT64_RANGE = 1n << 64n;

function writePart(writer: ByteWriter, part: IdPart): void {
  if (typeof part === 'number') {
    writer.varint(part);
    return;
  }
  let value = part;
  while (value >= 0x80n) {
    writer.u8(Number(value & 0x7fn) | 0x80);
    value >>= 7n;
  }
  writer.u8(Number(value));
}

function readPart(reader: ByteReader, field: string): IdPart {
  // Numbers while the value surely fits 53 bits (the usual case), a bigint after.
  let value = 0;
  let scale = 1;
  for (let i = 0; i < NUMBER_BYTES_MAX; i++) {
    const byte = reader.u8(field);
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value;
    scale *= 0x80;
  }
  let big = BigInt(value);
  for (let i = NUMBER_BYTES_MAX; i < PART_BYTES_MAX; i++) {
    const byte = reader.u8(field);
    big |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) {
      if (big >= UINT64_RANGE) reader.fail(`${field} out of range`);
      return idPart(big);
    }
  }
  return reader.fail(`${field} too long`);
}

function writeId(writer: ByteWriter, id: StreamId): void {
  writePart(writer, id.ms);
  writePart(writer, id.seq);
}

function readId(reader: ByteReader, field: string): StreamId {
  return { ms: readPart(reader, `${field} ms`), seq: readPart(reader, `${field} seq`) };
}

export function encodeStream(value: StreamValue): Uint8Array {
  const writer = new ByteWriter(32 + value.length * 32);
  writeId(writer, value.lastId);
  writer.varint(value.entriesAdded);
  writer.varint(value.length);
  for (let i = 0; i < value.length; i++) {
    writeId(writer, value.idAt(i));
    const fields = value.fieldsAt(i);
    writer.varint(fields.length);
    for (const text of fields) writer.string(text);
  }
  return writer.take();
}

export function decodeStream(bytes: Uint8Array): StreamValue {
  const reader = new ByteReader(bytes, 'ERR_SNAPSHOT_CORRUPT', 'stream value');
  const lastId = readId(reader, 'last id');
  const entriesAdded = reader.varint('entries added');
  const count = reader.count('entry count', reader.remaining);
  const value = new StreamValue();
  for (let i = 0; i < count; i++) {
    const id = readId(reader, 'entry id');
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
