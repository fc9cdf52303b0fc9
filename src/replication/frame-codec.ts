/**
 * The peer protocol's Frame (proto/raft.proto) in protobuf wire format, written and read here
 * instead of by protobufjs. proto-loader's serializer turns every frame into protobufjs message
 * objects (`fromObject`), encodes them through a list of pending writes, and on receipt decodes
 * into message objects and converts those back (`toObject`): four passes and two object trees
 * per frame, on the path of every replicated write. This codec makes one pass each way: sizes,
 * then bytes into one buffer; and one reader that builds the plain objects wire.ts declares.
 *
 * The bytes are the schema's own: canonical proto3 (zero values omitted, repeated numbers
 * packed), so any protobuf implementation reads them, and this reader takes what any writes
 * (unpacked numbers, explicit zeros, fields it does not know, which it skips). The codec test
 * checks both directions against protobufjs loaded from the .proto file, and the enum tables
 * below against the schema's numbering. A Raft message whose type, or an entry's, this version
 * does not know (a newer peer's) is dropped from the frame, not the frame from the stream.
 *
 * Numbers are uint64 on the wire and JS numbers here: Raft's terms, indexes and ids stay far
 * below 2^53, and a larger one arriving is refused rather than rounded.
 */
import { ENTRY_TYPE_LIST, MESSAGE_TYPE_LIST } from '../raft/message.js';
import type { EntryType, MessageType } from '../raft/types.js';
import type {
  WireChunk,
  WireConf,
  WireEntry,
  WireFrame,
  WireHello,
  WireMessage,
  WireRequest,
  WireResponse,
  WireSnapshotMeta,
} from './wire.js';

/** A frame that is not a valid Frame; the stream carrying it is closed. */
export class FrameDecodeError extends Error {
  override readonly name = 'FrameDecodeError';
}

// The type lists are in the schema's numbering (the codec test checks them against raft.proto).
const MESSAGE_TYPE_NUMBERS = new Map(MESSAGE_TYPE_LIST.map((t, i) => [t, i]));
const ENTRY_TYPE_NUMBERS = new Map(ENTRY_TYPE_LIST.map((t, i) => [t, i]));

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;
const EMPTY = Buffer.alloc(0);

// ---- sizes -----------------------------------------------------------------------------------
// Every field number in the schema is below 16, so every tag is one byte.

function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 5;
  for (let v = n / 2 ** 35; v >= 1; v /= 0x80) size++;
  return size;
}
const uintSize = (n: number): number => (n === 0 ? 0 : 1 + varintSize(n));
const boolSize = (b: boolean): number => (b ? 2 : 0);
const bytesSize = (len: number): number => (len === 0 ? 0 : 1 + varintSize(len) + len);
/** An embedded message is written even when empty: its presence is information. */
const nestedSize = (len: number): number => 1 + varintSize(len) + len;

const packedLength = (ns: readonly number[]): number => {
  let len = 0;
  for (const n of ns) len += varintSize(n);
  return len;
};
const packedSize = (ns: readonly number[]): number =>
  ns.length === 0 ? 0 : nestedSize(packedLength(ns));
const stringSize = (s: string): number => bytesSize(Buffer.byteLength(s));

const helloSize = (h: WireHello): number =>
  uintSize(h.from) +
  uintSize(h.to) +
  stringSize(h.cluster) +
  stringSize(h.respAddress) +
  stringSize(h.peerAddress) +
  stringSize(h.adminAddress);

const entrySize = (e: WireEntry): number =>
  uintSize(e.term) +
  uintSize(e.index) +
  uintSize(entryTypeNumber(e.type)) +
  bytesSize(e.data.byteLength);

const confSize = (c: WireConf): number => packedSize(c.voters) + packedSize(c.learners);

const metaSize = (m: WireSnapshotMeta): number =>
  uintSize(m.index) + uintSize(m.term) + (m.conf === null ? 0 : nestedSize(confSize(m.conf)));

const chunkSize = (c: WireChunk): number =>
  (c.meta === null ? 0 : nestedSize(metaSize(c.meta))) +
  uintSize(c.totalBytes) +
  uintSize(c.offset) +
  bytesSize(c.data.byteLength) +
  boolSize(c.done);

function messageSize(m: WireMessage): number {
  let size =
    uintSize(m.group) +
    uintSize(messageTypeNumber(m.type)) +
    uintSize(m.from) +
    uintSize(m.to) +
    uintSize(m.term) +
    uintSize(m.index) +
    uintSize(m.logTerm) +
    uintSize(m.commit) +
    boolSize(m.reject) +
    uintSize(m.rejectHint) +
    uintSize(m.rejectHintTerm) +
    bytesSize(m.context.byteLength) +
    (m.snapshot === null ? 0 : nestedSize(chunkSize(m.snapshot)));
  for (const e of m.entries) size += nestedSize(entrySize(e));
  return size;
}

const commandSize = (args: readonly Uint8Array[]): number => {
  let size = 0;
  for (const a of args) size += nestedSize(a.byteLength);
  return size;
};

function requestSize(r: WireRequest): number {
  let size =
    uintSize(r.id) +
    uintSize(r.group) +
    boolSize(r.write) +
    boolSize(r.transaction) +
    uintSize(r.clientId) +
    uintSize(r.sequence) +
    uintSize(r.timeoutMs);
  for (const c of r.commands) size += nestedSize(commandSize(c.args));
  if (r.watch !== null) size += nestedSize(commandSize(r.watch.keys) + uintSize(r.watch.index));
  return size;
}

const responseSize = (r: WireResponse): number =>
  uintSize(r.id) + bytesSize(r.reply.byteLength) + uintSize(r.group);

function messageTypeNumber(t: MessageType): number {
  const n = MESSAGE_TYPE_NUMBERS.get(t);
  if (n === undefined) throw new TypeError(`not a Raft message type: ${String(t)}`);
  return n;
}
function entryTypeNumber(t: EntryType): number {
  const n = ENTRY_TYPE_NUMBERS.get(t);
  if (n === undefined) throw new TypeError(`not an entry type: ${String(t)}`);
  return n;
}

// ---- writing ---------------------------------------------------------------------------------

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(n: number): void {
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n)))
      throw new TypeError(`not a uint64 the peer protocol carries: ${n}`);
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80000000) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    while (n >= 0x80) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  uint(field: number, n: number): void {
    if (n === 0) return;
    this.buf[this.pos++] = (field << 3) | VARINT;
    this.varint(n);
  }

  /** A uint32 field: other implementations would cut a larger value to its low 32 bits. */
  uint32(field: number, n: number): void {
    if (n > 0xffffffff) throw new TypeError(`not a uint32: ${n}`);
    this.uint(field, n);
  }

  bool(field: number, b: boolean): void {
    if (!b) return;
    this.buf[this.pos++] = (field << 3) | VARINT;
    this.buf[this.pos++] = 1;
  }

  /** A bytes field, omitted when empty (its default). */
  bytes(field: number, b: Uint8Array): void {
    if (b.byteLength > 0) this.element(field, b);
  }

  /** An element of a repeated bytes field: written even when empty, or it would be lost. */
  element(field: number, b: Uint8Array): void {
    this.nested(field, b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  string(field: number, s: string): void {
    if (s.length === 0) return;
    this.nested(field, Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos);
  }

  /** The head of a length-delimited field; its `len` bytes follow. */
  nested(field: number, len: number): void {
    this.buf[this.pos++] = (field << 3) | LENGTH;
    this.varint(len);
  }

  packed(field: number, ns: readonly number[]): void {
    if (ns.length === 0) return;
    this.nested(field, packedLength(ns));
    for (const n of ns) this.varint(n);
  }
}

function writeHello(w: Writer, h: WireHello): void {
  w.uint(1, h.from);
  w.uint(2, h.to);
  w.string(3, h.cluster);
  w.string(4, h.respAddress);
  w.string(5, h.peerAddress);
  w.string(6, h.adminAddress);
}

function writeEntry(w: Writer, e: WireEntry): void {
  w.uint(1, e.term);
  w.uint(2, e.index);
  w.uint(3, entryTypeNumber(e.type));
  w.bytes(4, e.data);
}

function writeMeta(w: Writer, m: WireSnapshotMeta): void {
  w.uint(1, m.index);
  w.uint(2, m.term);
  if (m.conf !== null) {
    w.nested(3, confSize(m.conf));
    w.packed(1, m.conf.voters);
    w.packed(2, m.conf.learners);
  }
}

function writeChunk(w: Writer, c: WireChunk): void {
  if (c.meta !== null) {
    w.nested(1, metaSize(c.meta));
    writeMeta(w, c.meta);
  }
  w.uint(2, c.totalBytes);
  w.uint(3, c.offset);
  w.bytes(4, c.data);
  w.bool(5, c.done);
}

function writeMessage(w: Writer, m: WireMessage): void {
  w.uint32(1, m.group);
  w.uint(2, messageTypeNumber(m.type));
  w.uint(3, m.from);
  w.uint(4, m.to);
  w.uint(5, m.term);
  w.uint(6, m.index);
  w.uint(7, m.logTerm);
  for (const e of m.entries) {
    w.nested(8, entrySize(e));
    writeEntry(w, e);
  }
  w.uint(9, m.commit);
  w.bool(10, m.reject);
  w.uint(11, m.rejectHint);
  w.uint(12, m.rejectHintTerm);
  w.bytes(13, m.context);
  if (m.snapshot !== null) {
    w.nested(14, chunkSize(m.snapshot));
    writeChunk(w, m.snapshot);
  }
}

function writeRequest(w: Writer, r: WireRequest): void {
  w.uint(1, r.id);
  w.uint32(2, r.group);
  for (const c of r.commands) {
    w.nested(3, commandSize(c.args));
    for (const a of c.args) w.element(1, a);
  }
  w.bool(4, r.write);
  w.bool(5, r.transaction);
  if (r.watch !== null) {
    w.nested(6, commandSize(r.watch.keys) + uintSize(r.watch.index));
    for (const k of r.watch.keys) w.element(1, k);
    w.uint(2, r.watch.index);
  }
  w.uint(7, r.clientId);
  w.uint(8, r.sequence);
  w.uint(10, r.timeoutMs);
}

/** The Frame's protobuf encoding (grpc-js calls this for every frame it sends). */
export function encodeFrame(f: WireFrame): Buffer {
  const messages = f.messages ?? [];
  const requests = f.requests ?? [];
  const responses = f.responses ?? [];
  const hello = f.hello ?? null;
  let size = hello === null ? 0 : nestedSize(helloSize(hello));
  for (const m of messages) size += nestedSize(messageSize(m));
  for (const r of requests) size += nestedSize(requestSize(r));
  for (const r of responses) size += nestedSize(responseSize(r));
  const w = new Writer(Buffer.allocUnsafe(size));
  if (hello !== null) {
    w.nested(1, helloSize(hello));
    writeHello(w, hello);
  }
  for (const m of messages) {
    w.nested(2, messageSize(m));
    writeMessage(w, m);
  }
  for (const r of requests) {
    w.nested(3, requestSize(r));
    writeRequest(w, r);
  }
  for (const r of responses) {
    w.nested(4, responseSize(r));
    w.uint(1, r.id);
    w.bytes(2, r.reply);
    w.uint32(3, r.group);
  }
  if (w.pos !== size) throw new Error(`frame encoded to ${w.pos} bytes, sized ${size}`);
  return w.buf;
}

// ---- reading ---------------------------------------------------------------------------------

class Reader {
  pos = 0;
  readonly end: number;
  constructor(readonly buf: Buffer) {
    this.end = buf.length;
  }

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= this.end) throw new FrameDecodeError('truncated number');
      const b = buf[pos++] as number;
      // Multiplying, not shifting: past 31 bits a shift would wrap.
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      if (shift >= 63) throw new FrameDecodeError('number longer than 10 bytes');
    }
    if (n > Number.MAX_SAFE_INTEGER) throw new FrameDecodeError(`number above 2^53: ${n}`);
    this.pos = pos;
    return n;
  }

  /** A length-delimited field's extent: returns its end, leaving `pos` at its start. */
  length(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new FrameDecodeError(`field of ${len} bytes past the end`);
    return end;
  }

  bytes(): Buffer {
    const end = this.length();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  string(): string {
    const end = this.length();
    const out = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return out;
  }

  /** Past a field this reader does not know (a newer schema's), by its wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.advance(8);
        return;
      case LENGTH:
        this.pos = this.length();
        return;
      case FIXED32:
        this.advance(4);
        return;
      default:
        throw new FrameDecodeError(`unsupported wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new FrameDecodeError('truncated field');
    this.pos += n;
  }
}

/**
 * Reads the fields of one message up to `end`: `field` is called with each field number and
 * wire type, and returns false for a field it does not take (skipped).
 */
function readFields(r: Reader, end: number, field: (n: number, wireType: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.varint();
    // Field numbers end at 2^29 - 1: a longer tag is not protobuf.
    if (tag > 0xffffffff) throw new FrameDecodeError(`field number ${Math.floor(tag / 8)}`);
    const n = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (n === 0) throw new FrameDecodeError('field number 0');
    if (!field(n, wireType)) r.skip(wireType);
  }
  if (r.pos !== end) throw new FrameDecodeError('field runs past its message');
}

/** The field's wire type must be the one its schema type is written with. */
function expect(wireType: number, wanted: number, what: string): void {
  if (wireType !== wanted)
    throw new FrameDecodeError(`${what}: wire type ${wireType}, expected ${wanted}`);
}

function readUint(r: Reader, wireType: number, what: string): number {
  expect(wireType, VARINT, what);
  return r.varint();
}

function readUint32(r: Reader, wireType: number, what: string): number {
  const n = readUint(r, wireType, what);
  if (n > 0xffffffff) throw new FrameDecodeError(`${what}: ${n} is not a uint32`);
  return n;
}

function readBool(r: Reader, wireType: number, what: string): boolean {
  return readUint(r, wireType, what) !== 0;
}

function readBytes(r: Reader, wireType: number, what: string): Buffer {
  expect(wireType, LENGTH, what);
  return r.bytes();
}

/** A repeated number: packed (one length-delimited run) or one value per field. */
function readRepeated(r: Reader, wireType: number, out: number[]): void {
  if (wireType === VARINT) {
    out.push(r.varint());
    return;
  }
  expect(wireType, LENGTH, 'repeated number');
  const end = r.length();
  while (r.pos < end) out.push(r.varint());
  if (r.pos !== end) throw new FrameDecodeError('packed numbers run past their field');
}

/** An enum value by name; undefined for a number this version does not know (a newer peer's). */
function readEnum<T>(
  r: Reader,
  wireType: number,
  names: readonly T[],
  what: string,
): T | undefined {
  return names[readUint(r, wireType, what)];
}

function readNested<T>(r: Reader, wireType: number, what: string, read: (end: number) => T): T {
  expect(wireType, LENGTH, what);
  const end = r.length();
  return read(end);
}

function readHello(r: Reader, end: number): WireHello {
  const h: WireHello = {
    from: 0,
    to: 0,
    cluster: '',
    respAddress: '',
    peerAddress: '',
    adminAddress: '',
  };
  readFields(r, end, (n, wt) => {
    if (n === 1) h.from = readUint(r, wt, 'Hello.from');
    else if (n === 2) h.to = readUint(r, wt, 'Hello.to');
    else if (n >= 3 && n <= 6) {
      expect(wt, LENGTH, 'Hello address');
      const s = r.string();
      if (n === 3) h.cluster = s;
      else if (n === 4) h.respAddress = s;
      else if (n === 5) h.peerAddress = s;
      else h.adminAddress = s;
    } else return false;
    return true;
  });
  return h;
}

/** An entry; undefined if its type is one this version does not know. */
function readEntry(r: Reader, end: number): WireEntry | undefined {
  const e: WireEntry = { term: 0, index: 0, type: 'normal', data: EMPTY };
  let known = true;
  readFields(r, end, (n, wt) => {
    if (n === 1) e.term = readUint(r, wt, 'Entry.term');
    else if (n === 2) e.index = readUint(r, wt, 'Entry.index');
    else if (n === 3) {
      const type = readEnum(r, wt, ENTRY_TYPE_LIST, 'Entry.type');
      if (type === undefined) known = false;
      else e.type = type;
    } else if (n === 4) e.data = readBytes(r, wt, 'Entry.data');
    else return false;
    return true;
  });
  return known ? e : undefined;
}

function readConf(r: Reader, end: number): WireConf {
  const c: WireConf = { voters: [], learners: [] };
  readFields(r, end, (n, wt) => {
    if (n === 1) readRepeated(r, wt, c.voters);
    else if (n === 2) readRepeated(r, wt, c.learners);
    else return false;
    return true;
  });
  return c;
}

function readMeta(r: Reader, end: number): WireSnapshotMeta {
  const m: WireSnapshotMeta = { index: 0, term: 0, conf: null };
  readFields(r, end, (n, wt) => {
    if (n === 1) m.index = readUint(r, wt, 'SnapshotMeta.index');
    else if (n === 2) m.term = readUint(r, wt, 'SnapshotMeta.term');
    else if (n === 3) m.conf = readNested(r, wt, 'SnapshotMeta.conf', (e) => readConf(r, e));
    else return false;
    return true;
  });
  return m;
}

function readChunk(r: Reader, end: number): WireChunk {
  const c: WireChunk = { meta: null, totalBytes: 0, offset: 0, data: EMPTY, done: false };
  readFields(r, end, (n, wt) => {
    if (n === 1) c.meta = readNested(r, wt, 'SnapshotChunk.meta', (e) => readMeta(r, e));
    else if (n === 2) c.totalBytes = readUint(r, wt, 'SnapshotChunk.total_bytes');
    else if (n === 3) c.offset = readUint(r, wt, 'SnapshotChunk.offset');
    else if (n === 4) c.data = readBytes(r, wt, 'SnapshotChunk.data');
    else if (n === 5) c.done = readBool(r, wt, 'SnapshotChunk.done');
    else return false;
    return true;
  });
  return c;
}

/**
 * A Raft message; undefined if its type, or an entry's, is one this version does not know (a
 * newer peer's): the message is dropped as the Raft core drops a malformed one, and the rest
 * of the frame is read, rather than the stream failing at every frame a newer peer sends.
 */
function readMessage(r: Reader, end: number): WireMessage | undefined {
  let known = true;
  const m: WireMessage = {
    group: 0,
    type: 'append',
    from: 0,
    to: 0,
    term: 0,
    index: 0,
    logTerm: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    rejectHintTerm: 0,
    context: EMPTY,
    snapshot: null,
  };
  readFields(r, end, (n, wt) => {
    switch (n) {
      case 1:
        m.group = readUint32(r, wt, 'RaftMessage.group');
        break;
      case 2: {
        const type = readEnum(r, wt, MESSAGE_TYPE_LIST, 'RaftMessage.type');
        if (type === undefined) known = false;
        else m.type = type;
        break;
      }
      case 3:
        m.from = readUint(r, wt, 'RaftMessage.from');
        break;
      case 4:
        m.to = readUint(r, wt, 'RaftMessage.to');
        break;
      case 5:
        m.term = readUint(r, wt, 'RaftMessage.term');
        break;
      case 6:
        m.index = readUint(r, wt, 'RaftMessage.index');
        break;
      case 7:
        m.logTerm = readUint(r, wt, 'RaftMessage.log_term');
        break;
      case 8: {
        const entry = readNested(r, wt, 'RaftMessage.entries', (e) => readEntry(r, e));
        if (entry === undefined) known = false;
        else m.entries.push(entry);
        break;
      }
      case 9:
        m.commit = readUint(r, wt, 'RaftMessage.commit');
        break;
      case 10:
        m.reject = readBool(r, wt, 'RaftMessage.reject');
        break;
      case 11:
        m.rejectHint = readUint(r, wt, 'RaftMessage.reject_hint');
        break;
      case 12:
        m.rejectHintTerm = readUint(r, wt, 'RaftMessage.reject_hint_term');
        break;
      case 13:
        m.context = readBytes(r, wt, 'RaftMessage.context');
        break;
      case 14:
        m.snapshot = readNested(r, wt, 'RaftMessage.snapshot', (e) => readChunk(r, e));
        break;
      default:
        return false;
    }
    return true;
  });
  return known ? m : undefined;
}

/** A field handler that takes repeated bytes at `field` into `out`. */
function argsField(r: Reader, field: number, out: Uint8Array[]) {
  return (n: number, wt: number): boolean => {
    if (n !== field) return false;
    out.push(readBytes(r, wt, 'argument'));
    return true;
  };
}

function readCommand(r: Reader, end: number): { args: Uint8Array[] } {
  const args: Uint8Array[] = [];
  readFields(r, end, argsField(r, 1, args));
  return { args };
}

function readWatch(r: Reader, end: number): { keys: Uint8Array[]; index: number } {
  const w = { keys: [] as Uint8Array[], index: 0 };
  const key = argsField(r, 1, w.keys);
  readFields(r, end, (n, wt) => {
    if (n === 2) w.index = readUint(r, wt, 'Watch.index');
    else return key(n, wt);
    return true;
  });
  return w;
}

function readRequest(r: Reader, end: number): WireRequest {
  const q: WireRequest = {
    id: 0,
    group: 0,
    commands: [],
    write: false,
    transaction: false,
    watch: null,
    clientId: 0,
    sequence: 0,
    timeoutMs: 0,
  };
  readFields(r, end, (n, wt) => {
    if (n === 1) q.id = readUint(r, wt, 'ForwardRequest.id');
    else if (n === 2) q.group = readUint32(r, wt, 'ForwardRequest.group');
    else if (n === 3)
      q.commands.push(readNested(r, wt, 'ForwardRequest.commands', (e) => readCommand(r, e)));
    else if (n === 4) q.write = readBool(r, wt, 'ForwardRequest.write');
    else if (n === 5) q.transaction = readBool(r, wt, 'ForwardRequest.transaction');
    else if (n === 6) q.watch = readNested(r, wt, 'ForwardRequest.watch', (e) => readWatch(r, e));
    else if (n === 7) q.clientId = readUint(r, wt, 'ForwardRequest.client_id');
    else if (n === 8) q.sequence = readUint(r, wt, 'ForwardRequest.sequence');
    else if (n === 10) q.timeoutMs = readUint(r, wt, 'ForwardRequest.timeout_ms');
    else return false;
    return true;
  });
  return q;
}

function readResponse(r: Reader, end: number): WireResponse {
  const s: WireResponse = { id: 0, group: 0, reply: EMPTY };
  readFields(r, end, (n, wt) => {
    if (n === 1) s.id = readUint(r, wt, 'ForwardResponse.id');
    else if (n === 2) s.reply = readBytes(r, wt, 'ForwardResponse.reply');
    else if (n === 3) s.group = readUint32(r, wt, 'ForwardResponse.group');
    else return false;
    return true;
  });
  return s;
}

/**
 * Reads a Frame, with every field present (the schema's defaults where absent), as
 * proto-loader's `defaults: true` gives. Byte fields are views into `bytes`. Throws
 * FrameDecodeError for anything that is not a Frame.
 */
export function decodeFrame(bytes: Buffer): Required<WireFrame> {
  const r = new Reader(bytes);
  const f: Required<WireFrame> = { hello: null, messages: [], requests: [], responses: [] };
  readFields(r, bytes.length, (n, wt) => {
    if (n === 1) f.hello = readNested(r, wt, 'Frame.hello', (e) => readHello(r, e));
    else if (n === 2) {
      const m = readNested(r, wt, 'Frame.messages', (e) => readMessage(r, e));
      if (m !== undefined) f.messages.push(m);
    } else if (n === 3)
      f.requests.push(readNested(r, wt, 'Frame.requests', (e) => readRequest(r, e)));
    else if (n === 4)
      f.responses.push(readNested(r, wt, 'Frame.responses', (e) => readResponse(r, e)));
    else return false;
    return true;
  });
  return f;
}
