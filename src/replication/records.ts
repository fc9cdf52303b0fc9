/**
 * Binary records of the durable Raft log: one entry, the hard state, a snapshot. Every record
 * starts with a CRC-32 of the rest, so a torn or bit-flipped record is detected on read instead
 * of being replayed as data (RedisRaft's log-corruption tests; Jepsen's bitflip nemesis).
 *
 *   record   = crc32:u32be  kind:u8  body
 *   entry    = type:u8 term:u64be index:u64be data...
 *   hard     = term:u64be vote:u64be commit:u64be
 *   snapshot = index:u64be term:u64be nVoters:u32be voters:u64be* nLearners:u32be learners:u64be* data...
 *   blob     = data...                      (the peer address book and other small metadata)
 */
import { crc32 } from 'node:zlib';
import { logIndex, nodeId, term } from '../shared/brand.js';
import {
  snapshotBytes,
  type Entry,
  type EntryType,
  type HardState,
  type NodeId,
  type Snapshot,
  type SnapshotMeta,
} from '../raft/types.js';

export const enum RecordKind {
  Entry = 1,
  HardState = 2,
  Snapshot = 3,
  Blob = 4,
}

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'noop', 'confChange'];
const HEADER_BYTES = 5;

/** A record that failed its checksum or does not parse; `detail` says which check failed. */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

class Writer {
  private readonly buf: Buffer;
  private at = HEADER_BYTES;
  constructor(bytes: number, kind: RecordKind) {
    this.buf = Buffer.allocUnsafe(HEADER_BYTES + bytes);
    this.buf[4] = kind;
  }
  u8(v: number): this {
    this.buf[this.at++] = v;
    return this;
  }
  u32(v: number): this {
    this.buf.writeUInt32BE(v, this.at);
    this.at += 4;
    return this;
  }
  u64(v: number): this {
    // Raft numbers stay below 2^53: hi/lo words keep the arithmetic exact without bigint.
    this.buf.writeUInt32BE(Math.floor(v / 0x1_0000_0000), this.at);
    this.buf.writeUInt32BE(v >>> 0, this.at + 4);
    this.at += 8;
    return this;
  }
  bytes(v: Uint8Array): this {
    this.buf.set(v, this.at);
    this.at += v.length;
    return this;
  }
  /** Seals the record; `tail`, if given, is the rest of its body, kept outside this buffer. */
  finish(tail?: Uint8Array): Buffer {
    if (this.at !== this.buf.length) throw new RecordError('record size miscomputed');
    const crc = crc32(this.buf.subarray(4));
    this.buf.writeUInt32BE(tail === undefined ? crc : crc32(tail, crc), 0);
    return this.buf;
  }
}

class Reader {
  private at = HEADER_BYTES;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new RecordError('record truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.at++] ?? 0;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.buf.readUInt32BE(this.at) * 0x1_0000_0000 + this.buf.readUInt32BE(this.at + 4);
    this.at += 8;
    if (!Number.isSafeInteger(v)) throw new RecordError('number out of range');
    return v;
  }
  rest(): Uint8Array {
    const v = this.buf.subarray(this.at);
    this.at = this.buf.length;
    return v;
  }
  end(): void {
    if (this.at !== this.buf.length) throw new RecordError('trailing bytes in record');
  }
}

/** Verifies the checksum and kind; returns a reader positioned at the body. */
function open(bytes: Uint8Array, kind: RecordKind): Reader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) throw new RecordError('record truncated');
  const stored = buf.readUInt32BE(0);
  const actual = crc32(buf.subarray(4));
  if (stored !== actual)
    throw new RecordError(
      `CRC mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`,
    );
  if (buf[4] !== kind) throw new RecordError(`record kind ${buf[4]} where ${kind} was expected`);
  return new Reader(buf);
}

export function encodeEntry(entry: Entry): Buffer {
  return new Writer(17 + entry.data.length, RecordKind.Entry)
    .u8(ENTRY_TYPES.indexOf(entry.type))
    .u64(entry.term)
    .u64(entry.index)
    .bytes(entry.data)
    .finish();
}

export function decodeEntry(bytes: Uint8Array): Entry {
  const r = open(bytes, RecordKind.Entry);
  const type = ENTRY_TYPES[r.u8()];
  if (type === undefined) throw new RecordError('unknown entry type');
  const t = term(r.u64());
  const index = logIndex(r.u64());
  // Copy: the key/value buffers of an iterator may be reused by the binding.
  const data = Uint8Array.prototype.slice.call(r.rest());
  return { term: t, index, type, data };
}

export function encodeHardState(hs: HardState): Buffer {
  return new Writer(24, RecordKind.HardState).u64(hs.term).u64(hs.vote).u64(hs.commit).finish();
}

export function decodeHardState(bytes: Uint8Array): HardState {
  const r = open(bytes, RecordKind.HardState);
  const hs = { term: term(r.u64()), vote: nodeId(r.u64()), commit: logIndex(r.u64()) };
  r.end();
  return hs;
}

/**
 * The snapshot record as its head and the image itself, to be written one after the other
 * (writev): the image, often hundreds of MB, is checksummed in place instead of copied.
 */
export function encodeSnapshot(snap: Snapshot): [Buffer, Uint8Array] {
  const head = snapshotRecordHead(snap.meta);
  const data = snapshotBytes(snap.data);
  head.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return [head, data];
}

/**
 * A snapshot record's head with its checksum left to the caller, who writes the image after it
 * in pieces: the checksum is `crc32` of `head.subarray(4)` continued over every piece, written
 * big-endian at offset 0 (encodeSnapshot does it in one go).
 */
export function snapshotRecordHead(meta: SnapshotMeta): Buffer {
  const { voters, learners } = meta.conf;
  const w = new Writer(snapshotHeadBytes(meta) - HEADER_BYTES, RecordKind.Snapshot);
  w.u64(meta.index).u64(meta.term).u32(voters.length);
  for (const v of voters) w.u64(v);
  w.u32(learners.length);
  for (const l of learners) w.u64(l);
  return w.finish();
}

/** Where the image starts in a snapshot record: the bytes of encodeSnapshot's head. */
function snapshotHeadBytes(meta: SnapshotMeta): number {
  return HEADER_BYTES + 24 + 8 * (meta.conf.voters.length + meta.conf.learners.length);
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const { meta, reader } = readSnapshotHead(open(bytes, RecordKind.Snapshot));
  const data = Uint8Array.prototype.slice.call(reader.rest());
  return { meta, data };
}

/**
 * The metadata of a snapshot record whose checksum the caller verified (a record too large to
 * hold, checksummed from its file in pieces), from the first bytes of it (`head`, which must
 * reach at least as far as the image), and where its image starts.
 */
export function decodeSnapshotHead(head: Uint8Array): { meta: SnapshotMeta; headBytes: number } {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buf.length < HEADER_BYTES) throw new RecordError('record truncated');
  if (buf[4] !== RecordKind.Snapshot)
    throw new RecordError(`record kind ${buf[4]} where ${RecordKind.Snapshot} was expected`);
  const { meta } = readSnapshotHead(new Reader(buf));
  return { meta, headBytes: snapshotHeadBytes(meta) };
}

function readSnapshotHead(r: Reader): { meta: SnapshotMeta; reader: Reader } {
  const index = logIndex(r.u64());
  const t = term(r.u64());
  const ids = (): NodeId[] => {
    const n = r.u32();
    if (n > 100_000) throw new RecordError('member count out of range');
    const out: NodeId[] = [];
    for (let i = 0; i < n; i++) out.push(nodeId(r.u64()));
    return out;
  };
  const voters = ids();
  const learners = ids();
  return { meta: { index, term: t, conf: { voters, learners } }, reader: r };
}

export function encodeBlob(data: Uint8Array): Buffer {
  return new Writer(data.length, RecordKind.Blob).bytes(data).finish();
}

export function decodeBlob(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(open(bytes, RecordKind.Blob).rest());
}
