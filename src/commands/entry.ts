/**
 * The Raft log payload of one data request: the leader's clock and the request itself.
 *
 *   version    u8      1
 *   nowMs      f64     the leader's wall clock when it proposed (expiry is computed from it)
 *   flags      u8      bit 0 write, bit 1 transaction, bit 2 watch present; other bits 0
 *   clientId   varint  0 = no client session
 *   sequence   varint
 *   [watch]    varint index, varint key count, keys (varint length + bytes)
 *   commands   varint count, each: varint argument count (>= 1), arguments (varint length + bytes)
 *
 * Arguments are latin1 strings (one char per byte), written as those bytes. Decoding checks
 * every count and length against the bytes left, so a truncated or corrupt payload throws
 * MemlayerError('ERR_ENTRY_CORRUPT') and never allocates more than the input's size.
 *
 * A group entry carries the requests of several clients gathered in one turn, so that the log,
 * the peers and the disk handle one entry instead of many (each keeps its own time, client
 * session and reply):
 *
 *   version    u8      2
 *   count      varint  >= 2
 *   requests   count x (varint length, a version-1 entry)
 */
import { assert } from '../shared/assert.js';
import { ByteReader, varintSize, writeVarint } from '../store/bytes.js';
import type { DataRequest } from './executor.js';

export interface EntryPayload {
  nowMs: number;
  request: DataRequest;
}

export const ENTRY_VERSION = 1;
export const ENTRY_GROUP_VERSION = 2;
const WRITE = 1;
const TRANSACTION = 2;
const WATCH = 4;
const KNOWN_FLAGS = WRITE | TRANSACTION | WATCH;
const SHORT_STRING_CHARS = 32;

function stringsSize(strings: readonly string[]): number {
  let size = varintSize(strings.length);
  for (const s of strings) size += varintSize(s.length) + s.length;
  return size;
}

export function encodeEntry(payload: EntryPayload): Uint8Array {
  const { request } = payload;
  assert(Number.isSafeInteger(request.clientId) && request.clientId >= 0, 'bad client id');
  assert(Number.isSafeInteger(request.sequence) && request.sequence >= 0, 'bad sequence');
  assert(request.transaction || request.commands.length === 1, 'one command outside MULTI');
  let size = 1 + 8 + 1 + varintSize(request.clientId) + varintSize(request.sequence);
  const watch = request.watch;
  if (watch !== undefined) {
    assert(Number.isSafeInteger(watch.index) && watch.index >= 0, 'bad watch index');
    size += varintSize(watch.index) + stringsSize(watch.keys);
  }
  size += varintSize(request.commands.length);
  for (const command of request.commands) size += stringsSize(command);

  const buffer = Buffer.allocUnsafe(size);
  buffer[0] = ENTRY_VERSION;
  buffer.writeDoubleLE(payload.nowMs, 1);
  let flags = 0;
  if (request.write) flags |= WRITE;
  if (request.transaction) flags |= TRANSACTION;
  if (watch !== undefined) flags |= WATCH;
  buffer[9] = flags;
  let at = writeVarint(buffer, 10, request.clientId);
  at = writeVarint(buffer, at, request.sequence);
  if (watch !== undefined) {
    at = writeVarint(buffer, at, watch.index);
    at = writeStrings(buffer, at, watch.keys);
  }
  at = writeVarint(buffer, at, request.commands.length);
  for (const command of request.commands) at = writeStrings(buffer, at, command);
  assert(at === size, 'entry size mismatch');
  return buffer;
}

function writeStrings(buffer: Buffer, offset: number, strings: readonly string[]): number {
  let at = writeVarint(buffer, offset, strings.length);
  for (const s of strings) {
    at = writeVarint(buffer, at, s.length);
    if (s.length <= SHORT_STRING_CHARS) {
      // A JS loop beats the native call for the short keys and names most commands carry.
      for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
    } else {
      at += buffer.write(s, at, s.length, 'latin1');
    }
  }
  return at;
}

/** Throws MemlayerError('ERR_ENTRY_CORRUPT') on truncated, corrupt or unknown input. */
export function decodeEntry(bytes: Uint8Array): EntryPayload {
  const reader = new ByteReader(bytes, 'ERR_ENTRY_CORRUPT', 'log entry');
  const version = reader.u8('version');
  if (version !== ENTRY_VERSION) reader.fail(`unsupported version ${version}`);
  const nowMs = reader.f64('time');
  if (!Number.isFinite(nowMs)) reader.fail('bad time');
  const flags = reader.u8('flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) reader.fail(`unknown flags ${flags}`);
  const clientId = reader.varint('client id');
  const sequence = reader.varint('sequence');
  let watch: DataRequest['watch'];
  if ((flags & WATCH) !== 0) {
    const index = reader.varint('watch index');
    watch = { index, keys: readStrings(reader, 'watched key') };
  }
  const commandCount = reader.count('command count', reader.remaining);
  const commands: string[][] = [];
  for (let i = 0; i < commandCount; i++) {
    const args = readStrings(reader, 'argument');
    if (args.length === 0) reader.fail('empty command');
    commands.push(args);
  }
  reader.expectEnd();
  if ((flags & TRANSACTION) === 0 && commands.length !== 1) {
    reader.fail(`${commands.length} commands outside a transaction`);
  }
  const request: DataRequest = {
    commands,
    write: (flags & WRITE) !== 0,
    transaction: (flags & TRANSACTION) !== 0,
    watch,
    clientId,
    sequence,
  };
  return { nowMs, request };
}

function readStrings(reader: ByteReader, field: string): string[] {
  const count = reader.count(`${field} count`, reader.remaining);
  const strings: string[] = [];
  for (let i = 0; i < count; i++) strings.push(reader.string(field));
  return strings;
}

/** Several version-1 entries (encodeEntry's output, at least two) as one group entry. */
export function encodeEntryGroup(parts: readonly Uint8Array[]): Uint8Array {
  assert(parts.length >= 2, 'a group holds at least two requests');
  let size = 1 + varintSize(parts.length);
  for (const part of parts) size += varintSize(part.length) + part.length;
  const buffer = Buffer.allocUnsafe(size);
  buffer[0] = ENTRY_GROUP_VERSION;
  let at = writeVarint(buffer, 1, parts.length);
  for (const part of parts) {
    at = writeVarint(buffer, at, part.length);
    buffer.set(part, at);
    at += part.length;
  }
  assert(at === size, 'group size mismatch');
  return buffer;
}

/**
 * The requests of a log entry, in order: one for a version-1 entry, several for a group.
 * Throws MemlayerError('ERR_ENTRY_CORRUPT') as decodeEntry does.
 */
export function decodeEntries(bytes: Uint8Array): EntryPayload[] {
  if (bytes[0] !== ENTRY_GROUP_VERSION) return [decodeEntry(bytes)];
  const reader = new ByteReader(bytes, 'ERR_ENTRY_CORRUPT', 'log entry');
  reader.u8('version');
  const count = reader.count('group size', reader.remaining);
  if (count < 2) reader.fail(`group of ${count}`);
  const out: EntryPayload[] = [];
  for (let i = 0; i < count; i++) {
    const part = reader.bytesField('grouped entry');
    // Groups do not nest: a part is a version-1 entry, which decodeEntry insists on.
    out.push(decodeEntry(part));
  }
  reader.expectEnd();
  return out;
}
