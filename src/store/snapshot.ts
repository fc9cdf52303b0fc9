/**
 * Snapshot format of the keyspace (and an opaque blob the state machine adds: the client
 * session cache). All integers little-endian; varints are unsigned LEB128.
 *
 *   magic    4 bytes  "MLSS"
 *   version  u8       2 (1: the same without `watch`)
 *   index    f64      applyIndex of the keyspace when the snapshot was taken
 *   count    varint   number of records
 *   records  count x { key: string, tag: u8 (kind tag | 0x80 if it has an expiry),
 *                      [expiresAtMs: f64], payload: bytes (the kind's codec) }
 *   watch    varint n, then n x { bucket gap: varint, change index: varint }: the WATCH
 *                      buckets' last-change indexes (Keyspace.changeIndexPairs), replicated
 *                      state since EXEC checks them when applied
 *   extra    bytes    opaque (client sessions)
 *   crc32    u32      CRC-32 of every byte before it
 *
 * The encoder works in steps so that the replication host can yield to the event loop between
 * them. It captures the records when it is created (the key table's records frozen in place,
 * other kinds copied on write), so entries applied while the steps run do not leak into the
 * snapshot.
 *
 * The decoder checks magic, version, every length, and the checksum *before* decoding any
 * value, and throws MemlayerError('ERR_SNAPSHOT_CORRUPT') on any problem; it builds a new state
 * that the caller installs only after the whole snapshot decoded.
 */
import { MemlayerError } from '../shared/errors.js';
import { assert } from '../shared/assert.js';
import type { ByteSource } from '../shared/byte-source.js';
import { ByteReader, ByteWriter, varintSize } from './bytes.js';
import { decodeValue, encodeValue, KIND_TAGS, kindOfTag } from './codecs/index.js';
import { CRC32_INIT, crc32, crc32Combine, crc32Final, crc32Update } from './crc32.js';
import { KeyTable, type TableCapture } from './key-table.js';
import { WATCH_BUCKETS, type Keyspace, type WriteBarrier } from './keyspace.js';
import { latin1Slice } from '../shared/latin1.js';
import type { Value } from './values.js';
import { kindOf } from './values.js';

const MAGIC = [0x4d, 0x4c, 0x53, 0x53]; // "MLSS"
export const SNAPSHOT_VERSION = 2;
/** Still decoded: no `watch` section (every key then counts as changed at the snapshot). */
const SNAPSHOT_VERSION_NO_WATCH = 1;
const HAS_EXPIRY = 0x80;
const CODE = 'ERR_SNAPSHOT_CORRUPT';

const EMPTY_EXPIRES: ReadonlyMap<string, number> = new Map();

interface SnapshotRecord {
  readonly key: string;
  readonly value: Value;
  /** Absolute expiry in ms, or undefined for none. */
  readonly expiresAtMs: number | undefined;
}

export interface DecodedSnapshot {
  readonly applyIndex: number;
  /**
   * The records, in a table of their own (installSnapshot moves it into the keyspace without
   * copying), and the expiries of those that have one.
   */
  readonly data: KeyTable;
  readonly expires: ReadonlyMap<string, number>;
  /** The opaque bytes the encoder was given (client sessions). */
  readonly extra: Uint8Array;
  /** Keyspace.changeIndexPairs at the snapshot; undefined from a version 1 snapshot. */
  readonly changeIndexes: readonly number[] | undefined;
}

/**
 * A frozen view of the keyspace, encoded lazily step by step (`image`).
 *
 * Capturing is the only part that must run in one go, so it copies no record: the key table's
 * capture (KeyTable.capture) saves an entry's fields only when a command changes it while the
 * capture is held, and meanwhile writes no record in place and reuses no freed chunk, so the
 * captured bytes stay as they were; the writer copies keys and string values straight from the
 * table's pages into the image. The expiry map is copied whole. Collections are held by
 * reference and copied on write: until the writer has encoded a collection, the keyspace hands
 * it to `beforeWrite` before any command changes it in place, and the writer then clones it
 * once and encodes the clone. So capture costs microseconds whatever the state's size (plus
 * the expiry map and one pointer per collection), and only what is written while the snapshot
 * is being encoded is ever copied. The encoding happens as the caller runs the steps (the
 * replication host yields to the event loop between them). Run them to the end, or return the
 * generator after its first step (a generator never started runs no `finally`): until then
 * every key written costs a saved entry, and every write to a collection a Set lookup.
 */
export class SnapshotWriter implements WriteBarrier {
  private readonly records: TableCapture;
  private readonly expires: ReadonlyMap<string, number>;
  private readonly applyIndex: number;
  /** The `watch` section, encoded at capture (at most 65,536 pairs: a fraction of a ms). */
  private readonly watchSection: Uint8Array;
  /** Captured collections not yet encoded nor copied. */
  private readonly pending = new Set<object>();
  /** Copies taken before a write, by the captured object. */
  private readonly copies = new Map<object, Value>();
  private released = false;

  constructor(
    private readonly db: Keyspace,
    private readonly extra: Uint8Array,
  ) {
    this.applyIndex = db.applyIndex;
    this.watchSection = encodeWatchSection(db.changeIndexPairs());
    this.records = db.data.capture();
    this.expires = db.expires.size === 0 ? EMPTY_EXPIRES : new Map(db.expires);
    for (const value of this.records.collections) this.pending.add(value);
    if (this.pending.size > 0) db.addBarrier(this);
  }

  beforeWrite(value: Exclude<Value, string>): void {
    if (this.pending.delete(value)) this.copies.set(value, value.clone());
  }

  /** Number of records captured. */
  get size(): number {
    return this.records.count;
  }

  /**
   * The snapshot as a run of chunks after `prefix` (which the checksum does not cover: a
   * caller's own framing), for a caller that writes them out as they come (to a file) instead of
   * holding the whole image. On a large state, fresh memory is what costs most: every page
   * touched for the first time faults (128 MB took 73 ms on 4 KiB pages and 280 ms on huge pages
   * on a virtual machine, against 4 ms to fill the same memory again), and the chunks all reuse
   * one buffer. A chunk is valid until the generator is resumed. `undefined` is a pause after
   * about `chunkBytes` of work with nothing to write, where the caller may yield to the event
   * loop (turns.ts). Chunks are about `chunkBytes` long, longer when one record is. Returns the
   * number of bytes in all the chunks and their CRC-32 (what a caller's own checksum over them
   * needs, crc32Combine, without reading them again).
   */
  *chunks(prefix: Uint8Array, chunkBytes: number): SnapshotChunks {
    const { records, expires, pending, copies } = this;
    const { count, span } = records;
    // The key of the record just loaded, to look its expiry up.
    const loadedKey = (): string =>
      latin1Slice(records.page, records.offset, records.offset + records.keyLength);
    const hasExpiries = expires.size > 0;
    // Expiries of the records, by entry id, found in pass 1 (a key is made a string once).
    const expiryById = new Map<number, number>();
    try {
      // Pass 1: measure. A collection is encoded here, from the copy taken before a write or
      // from the object itself, unchanged since the capture; once encoded, its bytes are the
      // snapshot's and later writes to it need no copy. Strings are measured, not copied.
      const encoded = new Map<number, Uint8Array>();
      let size = prefix.length + HEADER_BYTES + varintSize(count);
      let work = 0;
      for (let i = 0; i < span; i++) {
        if (!records.load(i)) continue;
        const keyBytes = records.keyLength;
        let valueBytes = records.valueLength;
        if (valueBytes >= 0) {
          work += RECORD_WORK;
        } else {
          const captured = records.object as Exclude<Value, string>;
          const bytes = encodeValue(copies.get(captured) ?? captured);
          pending.delete(captured);
          encoded.set(i, bytes);
          valueBytes = bytes.length;
          work += bytes.length;
        }
        size += varintSize(keyBytes) + keyBytes + 1 + varintSize(valueBytes) + valueBytes;
        const atMs = hasExpiries ? expires.get(loadedKey()) : undefined;
        if (atMs !== undefined) {
          expiryById.set(i, atMs);
          size += 8;
        }
        if (work >= chunkBytes) {
          work = 0;
          yield undefined;
        }
      }
      // Every collection is encoded: writes from here on need no copy.
      this.db.removeBarrier(this);
      copies.clear();
      size += this.watchSection.length;
      size += varintSize(this.extra.length) + this.extra.length + 4;

      // Pass 2: write. Keys and string values are copied straight from the table's pages, which
      // the capture keeps unchanged until released. A record that does not fit grows the buffer
      // (ByteWriter), and later chunks reuse the larger one.
      let writer = ByteWriter.over(
        Buffer.allocUnsafe(Math.min(size, chunkBytes) + CHUNK_SLACK_BYTES),
        0,
      );
      writer.raw(prefix);
      writer.raw(Uint8Array.from(MAGIC));
      writer.u8(SNAPSHOT_VERSION);
      writer.f64(this.applyIndex);
      writer.varint(count);
      // Each byte is checksummed once: the image's CRC (which leaves the prefix out) and the CRC
      // of everything yielded (for the caller's own record) are both combined from the chunks'.
      let imageCrc = 0;
      let outputCrc = 0;
      const sum = (chunk: Uint8Array, prefixBytes: number): void => {
        const body = crc32(prefixBytes === 0 ? chunk : chunk.subarray(prefixBytes));
        const bodyBytes = chunk.length - prefixBytes;
        imageCrc = crc32Combine(imageCrc, body, bodyBytes);
        if (prefixBytes > 0)
          outputCrc = crc32Combine(outputCrc, crc32(chunk.subarray(0, prefixBytes)), prefixBytes);
        outputCrc = crc32Combine(outputCrc, body, bodyBytes);
      };
      let unsummed = prefix.length;
      let total = 0;
      for (let i = 0; i < span; i++) {
        if (!records.load(i)) continue;
        const source = records.page;
        const start = records.offset;
        const keyBytes = records.keyLength;
        const keyEnd = start + keyBytes;
        writer.varint(keyBytes);
        writer.copy(source, start, keyEnd);
        const expiresAtMs = hasExpiries ? expiryById.get(i) : undefined;
        const valueBytes = records.valueLength;
        const tag = valueBytes >= 0 ? STRING_TAG : KIND_TAGS[kindOf(records.object as Value)];
        if (expiresAtMs === undefined) {
          writer.u8(tag);
        } else {
          writer.u8(tag | HAS_EXPIRY);
          writer.f64(expiresAtMs);
        }
        if (valueBytes >= 0) {
          writer.varint(valueBytes);
          writer.copy(source, keyEnd, keyEnd + valueBytes);
        } else {
          const bytes = encoded.get(i);
          assert(bytes !== undefined, 'collection not encoded in the first pass');
          writer.bytes(bytes);
        }
        if (writer.length >= chunkBytes) {
          const chunk = writer.target.subarray(0, writer.length);
          sum(chunk, unsummed);
          unsummed = 0;
          total += chunk.length;
          yield chunk;
          writer = ByteWriter.over(writer.target, 0);
        }
      }
      writer.raw(this.watchSection);
      writer.bytes(this.extra);
      sum(writer.target.subarray(0, writer.length), unsummed);
      writer.u32(imageCrc);
      const crcBytes = writer.target.subarray(writer.length - 4, writer.length);
      outputCrc = crc32Combine(outputCrc, crc32(crcBytes), 4);
      total += writer.length;
      assert(total === size, 'snapshot size mismatch');
      yield writer.target.subarray(0, writer.length);
      return { bytes: total, crc: outputCrc };
    } finally {
      this.db.removeBarrier(this);
      pending.clear();
      copies.clear();
      if (!this.released) {
        this.released = true;
        this.db.data.release(records);
      }
    }
  }

  /**
   * The whole snapshot in one buffer, in one go: with no bound on a chunk, the only chunk is the
   * whole image, returned as it is (a copy would hold it twice).
   */
  encode(): Uint8Array {
    const steps = this.chunks(new Uint8Array(0), Number.POSITIVE_INFINITY);
    let image: Uint8Array | undefined;
    for (let step = steps.next(); step.done !== true; step = steps.next())
      if (step.value !== undefined) image = step.value;
    assert(image !== undefined, 'snapshot without its chunk');
    return image;
  }
}

/** What SnapshotWriter.chunks yielded in all: its bytes and their CRC-32. */
export interface ChunksDone {
  readonly bytes: number;
  readonly crc: number;
}

/** A snapshot's chunks and pauses as SnapshotWriter.chunks hands them out. */
export type SnapshotChunks = Generator<Uint8Array | undefined, ChunksDone, undefined>;

/** The value to return an unfinished SnapshotChunks with (releasing its capture). */
export const CHUNKS_ABANDONED: ChunksDone = { bytes: 0, crc: 0 };

/** magic, version, index. */
const HEADER_BYTES = 4 + 1 + 8;
/** Room in the chunk buffer past `chunkBytes`: the record that crosses it fits, if not huge. */
const CHUNK_SLACK_BYTES = 64 * 1024;
/** Measuring a string record counts as this many bytes of work towards a step. */
const RECORD_WORK = 64;
const STRING_TAG = KIND_TAGS.string;

export function encodeSnapshot(db: Keyspace, extra: Uint8Array): Uint8Array {
  return new SnapshotWriter(db, extra).encode();
}

/** Verifies and decodes a whole snapshot; throws MemlayerError(ERR_SNAPSHOT_CORRUPT). */
export function decodeSnapshot(bytes: ByteSource): DecodedSnapshot {
  const steps = decodeSnapshotInSteps(bytes, Number.POSITIVE_INFINITY);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * How much of a snapshot that is not in memory (a file) is read at a time: the image is
 * checksummed, then decoded, through a window of about this size, never held whole.
 */
const WINDOW_BYTES = 1024 * 1024;

/**
 * decodeSnapshot as a generator that pauses (yields) after about `sliceBytes` of checksumming
 * or of records, so that a caller can spread a large snapshot over event-loop turns. Nothing
 * outside the generator changes until it returns the decoded snapshot. A source that is not a
 * Uint8Array is read a window at a time, twice: once for the checksum, once for the records
 * (`windowBytes`, WINDOW_BYTES but for tests).
 */
export function* decodeSnapshotInSteps(
  source: ByteSource,
  sliceBytes: number,
  windowBytes = WINDOW_BYTES,
): Generator<void, DecodedSnapshot, undefined> {
  const total = source.byteLength;
  const headerBytes = MAGIC.length + 1 + 8 + 1 + 4;
  if (total < headerBytes) corrupt(`${total} bytes is too short`);
  const head = source.subarray(0, MAGIC.length + 1);
  for (let i = 0; i < MAGIC.length; i++) {
    if (head[i] !== MAGIC[i]) corrupt('bad magic (not a memlayer snapshot)');
  }
  const version = head[MAGIC.length];
  if (version !== SNAPSHOT_VERSION && version !== SNAPSHOT_VERSION_NO_WATCH)
    corrupt(`unsupported version ${String(version)}`);
  const bodyEnd = total - 4;
  const stored = Buffer.from(source.subarray(bodyEnd, total)).readUInt32LE(0);
  const step = source instanceof Uint8Array ? sliceBytes : Math.min(sliceBytes, windowBytes);
  const reads = new Reads(source);
  let crc = CRC32_INIT;
  for (let at = 0; at < bodyEnd; at += step) {
    crc = crc32Update(crc, reads.read(at, Math.min(bodyEnd, at + step)));
    if (at + step < bodyEnd) yield;
  }
  if (crc32Final(crc) !== stored) corrupt('checksum mismatch');
  const body = new Window(reads, source, MAGIC.length + 1, bodyEnd, windowBytes);
  const applyIndex = body.read((r) => r.f64('index'));
  if (!Number.isSafeInteger(applyIndex) || applyIndex < 0) corrupt('bad index');
  // Each record takes at least 3 bytes, which bounds the count before anything is allocated.
  const count = body.read((r) => r.count('record count', Math.floor(body.remaining / 3)));
  // Straight into a table: a map of the records first would hold the whole state as strings,
  // beside the image, until installed.
  const data = new KeyTable();
  const expires = new Map<string, number>();
  let sliceEnd = body.remaining - sliceBytes;
  for (let i = 0; i < count; i++) {
    const record = body.read(readRecord);
    if (!data.set(record.key, record.value)) corrupt('duplicate key');
    if (record.expiresAtMs !== undefined) expires.set(record.key, record.expiresAtMs);
    if (body.remaining < sliceEnd) {
      yield;
      sliceEnd = body.remaining - sliceBytes;
    }
  }
  const decoded = body.read((r) => {
    const changeIndexes = version === SNAPSHOT_VERSION_NO_WATCH ? undefined : readWatchSection(r);
    // A copy: the window's bytes are read over again (Reads).
    const extra = Uint8Array.prototype.slice.call(r.bytesField('extra'));
    r.expectEnd();
    return { applyIndex, data, expires, extra, changeIndexes };
  });
  // The reader's end is its window's: a window that happened to end with the last field has
  // not seen the bytes after it.
  if (body.remaining !== 0) corrupt(`${body.remaining} trailing bytes`);
  return decoded;
}

/**
 * Bytes [start, end) of a source, parsed through a window of them at a time. `read` parses one
 * item from where the last one ended; an item that fails to parse before the window reaches
 * `end` may just run past the window, so the window moves to the item's start, at least twice
 * as long as what it held of it, and the item is parsed again. Only once the window reaches
 * `end` is a failure the source's own. (The checksum was verified first: a parse failure is
 * almost always only the window's edge; a record that is itself malformed, under a valid
 * checksum, is reported once the window has grown to the end.) A Uint8Array's window is the
 * whole of it, a view.
 */
class Window {
  /** Offset in the source of `bytes[0]` (0 when `bytes` is the whole source). */
  private base: number;
  private bytes: Uint8Array;
  private reader: ByteReader;

  constructor(
    private readonly reads: Reads,
    source: ByteSource,
    start: number,
    private readonly end: number,
    private readonly windowBytes: number,
  ) {
    assert(windowBytes > 0, 'a window holds at least a byte');
    const whole = source instanceof Uint8Array;
    const stop = whole ? end : Math.min(end, start + windowBytes);
    this.base = whole ? 0 : start;
    this.bytes = whole ? source : this.reads.read(start, stop);
    this.reader = this.readerAt(start, stop);
  }

  /** Bytes from the current position to `end`. */
  get remaining(): number {
    return this.end - this.base - this.reader.position;
  }

  read<T>(parse: (reader: ByteReader) => T): T {
    const at = this.base + this.reader.position;
    for (;;) {
      try {
        return parse(this.reader);
      } catch (err) {
        const windowEnd = this.base + this.bytes.length;
        if (!(err instanceof MemlayerError) || windowEnd >= this.end) throw err;
        this.moveTo(at, Math.max(this.windowBytes, 2 * (windowEnd - at)));
      }
    }
  }

  private moveTo(at: number, bytes: number): void {
    const stop = Math.min(this.end, at + bytes);
    this.base = at;
    this.bytes = this.reads.read(at, stop);
    this.reader = this.readerAt(at, stop);
  }

  /** A reader of source bytes [from, to), which the window holds; errors name source offsets. */
  private readerAt(from: number, to: number): ByteReader {
    const { base } = this;
    return new ByteReader(this.bytes, CODE, 'snapshot', from - base, to - base, base);
  }
}

/**
 * Reads of a source, into one buffer reused from read to read when the source can (readInto):
 * each result is valid until the next read. Whatever outlives it is copied (strings, values).
 */
class Reads {
  private buffer = new Uint8Array(0);

  constructor(private readonly source: ByteSource) {}

  read(begin: number, end: number): Uint8Array {
    if (this.source.readInto === undefined) return this.source.subarray(begin, end);
    const length = end - begin;
    if (this.buffer.length < length) this.buffer = new Uint8Array(length);
    const out = this.buffer.subarray(0, length);
    this.source.readInto(out, begin);
    return out;
  }
}

function encodeWatchSection(pairs: readonly number[]): Uint8Array {
  const writer = new ByteWriter(16 + pairs.length * 3);
  writer.varint(pairs.length / 2);
  let previous = -1;
  for (let i = 0; i < pairs.length; i += 2) {
    const bucket = pairs[i] ?? 0;
    writer.varint(bucket - previous - 1);
    writer.varint(pairs[i + 1] ?? 0);
    previous = bucket;
  }
  return writer.take();
}

function readWatchSection(reader: ByteReader): number[] {
  const n = reader.count('watch buckets', WATCH_BUCKETS);
  const pairs: number[] = [];
  let bucket = -1;
  for (let i = 0; i < n; i++) {
    bucket += reader.varint('watch bucket') + 1;
    if (bucket >= WATCH_BUCKETS) reader.fail('watch bucket out of range');
    const at = reader.varint('watch index');
    if (at < 1) reader.fail('watch index 0 listed');
    pairs.push(bucket, at);
  }
  return pairs;
}

function readRecord(reader: ByteReader): SnapshotRecord {
  const key = reader.string('key');
  const tag = reader.u8('kind');
  const kind = kindOfTag(tag & ~HAS_EXPIRY);
  if (kind === undefined) return reader.fail(`unknown kind tag ${tag}`);
  let expiresAtMs: number | undefined;
  if ((tag & HAS_EXPIRY) !== 0) {
    expiresAtMs = reader.f64('expiry');
    if (!Number.isFinite(expiresAtMs)) reader.fail('bad expiry');
  }
  if (kind === 'string') return { key, value: reader.string('value'), expiresAtMs };
  const payload = reader.bytesField('value');
  let value: Value;
  try {
    value = decodeValue(kind, payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return reader.fail(`${kind} value of key ${JSON.stringify(key.slice(0, 64))}: ${reason}`);
  }
  return { key, value, expiresAtMs };
}

/** Replaces the keyspace's contents with a decoded snapshot (cannot fail). */
export function installSnapshot(db: Keyspace, snapshot: DecodedSnapshot): void {
  db.data.adopt(snapshot.data);
  db.forgetStringEncodings();
  db.expires.clear();
  for (const [key, atMs] of snapshot.expires) db.expires.set(key, atMs);
  db.insertions++;
  if (snapshot.changeIndexes === undefined) db.resetChangeIndexes(snapshot.applyIndex);
  else db.restoreChangeIndexes(snapshot.changeIndexes, snapshot.applyIndex);
  db.observer?.rebuild();
}

function corrupt(reason: string): never {
  throw new MemlayerError(CODE, `ERR corrupt snapshot: ${reason}`);
}
