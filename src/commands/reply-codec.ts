/**
 * Replies as bytes, every kind of Reply: the client-session cache keeps them in snapshots, and a
 * leader sends the reply of a request a follower forwarded back in its ForwardResponse. One
 * codec for both, so that a reply kind added to Reply is carried everywhere or nowhere (a
 * second codec that missed one once made a leader stop on a ZPOPMIN forwarded to it).
 */
import { assertNever } from '../shared/assert.js';
import { ByteReader, ByteWriter } from '../store/bytes.js';
import type { Reply } from './reply.js';
import {
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  NullArrayReply,
  PairsReply,
  RawReply,
  SetReply,
  SimpleString,
  VerbatimReply,
} from './reply.js';

/** Nesting of replies (arrays of arrays...); deeper input is corrupt. */
const REPLY_DEPTH_MAX = 64;

const enum Tag {
  Bulk = 0,
  Integer = 1,
  BigInteger = 2,
  Null = 3,
  Bytes = 4,
  Array = 5,
  Simple = 6,
  Error = 7,
  Map = 8,
  Set = 9,
  Double = 10,
  Bool = 11,
  NullArray = 12,
  Verbatim = 13,
  Raw = 14,
  Pairs = 15,
}

export function writeReply(writer: ByteWriter, reply: Reply): void {
  if (typeof reply === 'string') {
    writer.u8(Tag.Bulk);
    writer.string(reply);
  } else if (typeof reply === 'number') {
    writer.u8(Tag.Integer);
    writer.f64(reply);
  } else if (typeof reply === 'bigint') {
    writer.u8(Tag.BigInteger);
    writer.string(reply.toString());
  } else if (reply === null) {
    writer.u8(Tag.Null);
  } else if (Buffer.isBuffer(reply)) {
    writer.u8(Tag.Bytes);
    writer.bytes(reply);
  } else if (isReplyArray(reply)) {
    writer.u8(Tag.Array);
    writeReplies(writer, reply);
  } else {
    writeObjectReply(writer, reply);
  }
}

function writeReplies(writer: ByteWriter, replies: readonly Reply[]): void {
  writer.varint(replies.length);
  for (const item of replies) writeReply(writer, item);
}

type ObjectReply = Exclude<Reply, string | number | bigint | null | Buffer | readonly Reply[]>;

/** Array.isArray does not narrow a readonly array type; this does, so the branches stay exhaustive. */
function isReplyArray(reply: Reply): reply is readonly Reply[] {
  return Array.isArray(reply);
}

function writeObjectReply(writer: ByteWriter, reply: ObjectReply): void {
  if (reply instanceof SimpleString) {
    writer.u8(Tag.Simple);
    writer.string(reply.text);
  } else if (reply instanceof ErrorReply) {
    writer.u8(Tag.Error);
    writer.string(reply.text);
  } else if (reply instanceof MapReply) {
    writer.u8(Tag.Map);
    writer.varint(reply.entries.length);
    for (const [key, value] of reply.entries) {
      writeReply(writer, key);
      writeReply(writer, value);
    }
  } else if (reply instanceof SetReply) {
    writer.u8(Tag.Set);
    writeReplies(writer, reply.items);
  } else if (reply instanceof DoubleReply) {
    writer.u8(Tag.Double);
    writer.f64(reply.value);
  } else if (reply instanceof BoolReply) {
    writer.u8(Tag.Bool);
    writer.u8(reply.value ? 1 : 0);
  } else if (reply instanceof NullArrayReply) {
    writer.u8(Tag.NullArray);
  } else if (reply instanceof VerbatimReply) {
    writer.u8(Tag.Verbatim);
    writer.u8(reply.format === 'txt' ? 0 : 1);
    writer.string(reply.text);
  } else if (reply instanceof PairsReply) {
    writer.u8(Tag.Pairs);
    writeReplies(writer, reply.items);
  } else if (reply instanceof RawReply) {
    writer.u8(Tag.Raw);
    writer.bytes(reply.bytes);
  } else {
    assertNever(reply, 'unknown reply type');
  }
}

/** Reads one reply; `reader` fails (its error code) on malformed bytes. */
export function readReply(reader: ByteReader, depth: number): Reply {
  if (depth > REPLY_DEPTH_MAX) reader.fail('reply nested too deeply');
  const tag = reader.u8('reply tag');
  switch (tag) {
    case Tag.Bulk:
      return reader.string('bulk');
    case Tag.Integer:
      return reader.f64('integer');
    case Tag.BigInteger:
      return parseBigInt(reader, reader.string('integer'));
    case Tag.Null:
      return null;
    case Tag.Bytes:
      return Buffer.from(reader.bytesField('bytes'));
    case Tag.Array:
      return readReplies(reader, depth);
    case Tag.Simple:
      return new SimpleString(reader.string('status'));
    case Tag.Error:
      return new ErrorReply(reader.string('error'));
    case Tag.Map:
      return readMap(reader, depth);
    case Tag.Set:
      return new SetReply(readReplies(reader, depth));
    case Tag.Double:
      return new DoubleReply(reader.f64('double'));
    case Tag.Bool:
      return new BoolReply(reader.u8('bool') !== 0);
    case Tag.NullArray:
      return NULL_ARRAY;
    case Tag.Verbatim:
      return new VerbatimReply(reader.u8('format') === 0 ? 'txt' : 'mkd', reader.string('text'));
    case Tag.Raw:
      return new RawReply(Uint8Array.from(reader.bytesField('raw')));
    case Tag.Pairs:
      return new PairsReply(readReplies(reader, depth));
    default:
      return reader.fail(`unknown reply tag ${tag}`);
  }
}

function readReplies(reader: ByteReader, depth: number): Reply[] {
  const count = reader.count('array length', reader.remaining);
  const items: Reply[] = [];
  for (let i = 0; i < count; i++) items.push(readReply(reader, depth + 1));
  return items;
}

function readMap(reader: ByteReader, depth: number): MapReply {
  const count = reader.count('map length', reader.remaining);
  const entries: [Reply, Reply][] = [];
  for (let i = 0; i < count; i++) {
    const key = readReply(reader, depth + 1);
    entries.push([key, readReply(reader, depth + 1)]);
  }
  return new MapReply(entries);
}

function parseBigInt(reader: ByteReader, text: string): bigint {
  try {
    return BigInt(text);
  } catch {
    return reader.fail('bad integer');
  }
}

/** One reply as bytes. */
export function encodeReply(reply: Reply): Uint8Array {
  const writer = new ByteWriter();
  writeReply(writer, reply);
  return writer.take();
}

/**
 * The reply `bytes` hold, and nothing after it. Throws MemlayerError(`code`) on malformed bytes
 * (a peer's bug or a damaged frame).
 */
export function decodeReply(bytes: Uint8Array, code = 'ERR_REPLY_CORRUPT'): Reply {
  const reader = new ByteReader(bytes, code, 'reply');
  const reply = readReply(reader, 0);
  reader.expectEnd();
  return reply;
}
