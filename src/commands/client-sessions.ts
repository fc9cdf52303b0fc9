/**
 * Client sessions for idempotent retries (Raft thesis §6.3): the last reply of each client,
 * keyed by client id, so that a retried write — same (clientId, sequence) — answers from the
 * cache instead of being applied twice. The cache is replicated state: it is changed only by
 * applying log entries, in log order, and it is part of the snapshot, so every replica holds
 * the same one.
 *
 * Bounded: at most CLIENT_SESSIONS_MAX clients, least recently used evicted first. A client
 * evicted and then retrying is applied again (the thesis' documented limit of a bounded cache).
 */
import { assert, assertNever } from '../shared/assert.js';
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

export const CLIENT_SESSIONS_MAX = 10_000;
/** Nesting of cached replies (arrays of arrays...); deeper snapshot data is corrupt. */
const REPLY_DEPTH_MAX = 64;
const CODE = 'ERR_SNAPSHOT_CORRUPT';

interface Session {
  sequence: number;
  reply: Reply;
}

export type SessionCheck =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate'; readonly reply: Reply }
  | { readonly kind: 'stale'; readonly reply: Reply };

export class ClientSessions {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly sessions = new Map<number, Session>();

  constructor(private readonly max: number = CLIENT_SESSIONS_MAX) {
    assert(max > 0, 'client session cache needs room');
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Whether (clientId, sequence) is new, a duplicate of the last request, or older than it. */
  check(clientId: number, sequence: number): SessionCheck {
    const session = this.sessions.get(clientId);
    if (session === undefined || sequence > session.sequence) return { kind: 'new' };
    if (sequence === session.sequence) return { kind: 'duplicate', reply: session.reply };
    return {
      kind: 'stale',
      reply: new ErrorReply(
        `ERR stale request: sequence ${sequence} of client ${clientId} is older than ${session.sequence}, already answered`,
      ),
    };
  }

  record(clientId: number, sequence: number, reply: Reply): void {
    this.sessions.delete(clientId);
    this.sessions.set(clientId, { sequence, reply });
    if (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
  }

  encode(): Uint8Array {
    const writer = new ByteWriter(64 + this.sessions.size * 32);
    writer.varint(this.sessions.size);
    for (const [clientId, session] of this.sessions) {
      writer.f64(clientId);
      writer.f64(session.sequence);
      writeReply(writer, session.reply);
    }
    return writer.take();
  }

  /** Throws MemlayerError(ERR_SNAPSHOT_CORRUPT) on malformed bytes. */
  static decode(bytes: Uint8Array, max: number = CLIENT_SESSIONS_MAX): ClientSessions {
    const reader = new ByteReader(bytes, CODE, 'snapshot client sessions');
    const count = reader.count('session count', Math.min(max, Math.floor(reader.remaining / 17)));
    const sessions = new ClientSessions(max);
    for (let i = 0; i < count; i++) {
      const clientId = reader.f64('client id');
      const sequence = reader.f64('sequence');
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(sequence)) {
        reader.fail('bad client id or sequence');
      }
      sessions.sessions.set(clientId, { sequence, reply: readReply(reader, 0) });
    }
    reader.expectEnd();
    if (sessions.size !== count) reader.fail('duplicate client id');
    return sessions;
  }
}

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

function writeReply(writer: ByteWriter, reply: Reply): void {
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
  } else if (Array.isArray(reply)) {
    writer.u8(Tag.Array);
    writeReplies(writer, reply);
  } else {
    writeObjectReply(writer, reply as ObjectReply);
  }
}

function writeReplies(writer: ByteWriter, replies: readonly Reply[]): void {
  writer.varint(replies.length);
  for (const item of replies) writeReply(writer, item);
}

type ObjectReply = Exclude<Reply, string | number | bigint | null | Buffer | readonly Reply[]>;

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

function readReply(reader: ByteReader, depth: number): Reply {
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

/** Exposed for tests of the codec. */
export function encodeReplyForTest(reply: Reply): Uint8Array {
  const writer = new ByteWriter();
  writeReply(writer, reply);
  return writer.take();
}

export function decodeReplyForTest(bytes: Uint8Array): Reply {
  const reader = new ByteReader(bytes, CODE, 'reply');
  const reply = readReply(reader, 0);
  reader.expectEnd();
  return reply;
}
