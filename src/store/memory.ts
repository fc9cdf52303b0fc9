/**
 * Memory accounting for `maxmemory`: an incremental estimate of the dataset's bytes.
 *
 * Why an estimate and not the V8 heap: eviction must see memory go down when it deletes a key,
 * in the same turn, to know when to stop. The heap (v8.getHeapStatistics, process.memoryUsage)
 * only goes down at the next garbage collection, so an evictor reading it keeps deleting until
 * the collector runs (it would empty a small cache), and young-generation garbage moves it by
 * tens of MB between two reads. The estimate moves exactly with the keyspace, like Redis'
 * allocator-counted `used_memory`. Cost (bench/memory-accounting.ts, shared 2-core VM, node 20):
 * the flush of one changed string key adds ~0.1-0.3 µs to a SET, only while maxmemory is set;
 * v8.getHeapStatistics() is ~0.3-0.7 µs and process.memoryUsage() ~9-11 µs per call, so even a
 * cheap heap read per write would cost more, and still not be right after a delete.
 * Accuracy: a million 16-byte keys with 38-byte values measured 96.5 bytes each in the key
 * table (V8 heap plus external buffers after a collection): a 56-byte record chunk and ~40
 * bytes of slots and entry fields; the estimate adds the accounting's own per-key entries (size
 * and access stamp), see KEY_ENTRY_BYTES.
 *
 * The estimate of one key follows the key table's layout (store/key-table.ts): its slot and
 * entry fields, and a record chunk of the size class that holds the key's bytes and a string
 * value's bytes; a collection adds its JS objects, laid out as V8 does on 64-bit (no pointer
 * compression in node: a one-byte string is 16 header bytes plus its characters). Collections are estimated from a sample of their elements times their size, as
 * Redis' MEMORY USAGE does (default 5 samples), so that a change to a million-element hash
 * costs the same as a change to a string.
 *
 * Only keys changed since the last flush are re-estimated: `changed(key)` (from the keyspace's
 * own change hook) marks them, `flush()` brings the total up to date. The accounting exists
 * only while maxmemory is set (or access tracking is on), so a server without it pays nothing.
 */
import type { Value } from './values.js';
import type { Keyspace } from './keyspace.js';
import { recordBytes } from './key-table.js';
import { ListDeque } from './list.js';
import { SortedSet } from './zset.js';

/**
 * Per key besides its record: its key-table slot and entry fields (~40 bytes with spare
 * capacity) and, while accounting runs, its own entries: a slot (Map entry and two array
 * slots) and an access stamp (Map entry and a heap number).
 */
export const KEY_ENTRY_BYTES = 160;
/** V8 string header (map, hash, length); characters follow, one byte each for latin1. */
export const STRING_HEADER_BYTES = 16;
/** A JS object with a few fields (a collection's wrapper). */
const OBJECT_BYTES = 64;
/** Per element of a Map/Set-backed collection: the entry's slots and capacity. */
const ELEMENT_ENTRY_BYTES = 40;
/** Per stream entry: the ID numbers and the field array. */
const STREAM_ENTRY_BYTES = 48;

/** Bytes of one latin1 string, rounded to V8's 8-byte allocation. */
export function stringBytes(text: string): number {
  return STRING_HEADER_BYTES + ((text.length + 7) & ~7);
}

/** Estimated bytes a key and its value hold (Redis MEMORY USAGE with `samples`). */
export function estimateKeyBytes(key: string, value: Value, samples: number): number {
  if (typeof value === 'string') return KEY_ENTRY_BYTES + recordBytes(key.length + value.length);
  return (
    KEY_ENTRY_BYTES + recordBytes(key.length) + estimateValueBytes(value, Math.max(1, samples))
  );
}

function estimateValueBytes(value: Exclude<Value, string>, samples: number): number {
  switch (value.kind) {
    case 'hash':
      return (
        OBJECT_BYTES + sampledMap(value.fields, value.fields.size, samples, ELEMENT_ENTRY_BYTES)
      );
    case 'set':
      return OBJECT_BYTES + sampledKeys(value.members, value.members.size, samples);
    case 'zset': {
      // The zsets family is the only implementation; the check keeps the estimate total.
      // Members and their map entries are sampled; the skiplist arena (32-byte records, free
      // and spare ones included, and a member slot each) is known exactly.
      if (!(value instanceof SortedSet)) return OBJECT_BYTES;
      return OBJECT_BYTES + sampledKeys(value.keys(), value.size, samples) + value.arenaBytes;
    }
    case 'list':
      return (
        OBJECT_BYTES + (value instanceof ListDeque ? sampledList(value, samples) : value.length * 8)
      );
    case 'stream':
      return OBJECT_BYTES + sampledStream(value, samples);
    case 'tensor':
      return OBJECT_BYTES + value.byteLength;
  }
}

function sampledMap(
  map: ReadonlyMap<string, string>,
  size: number,
  samples: number,
  entryBytes: number,
): number {
  if (size === 0) return 0;
  let bytes = 0;
  let seen = 0;
  for (const [field, value] of map) {
    bytes += stringBytes(field) + stringBytes(value);
    if (++seen >= samples) break;
  }
  return Math.round((bytes / seen + entryBytes) * size);
}

function sampledKeys(members: Iterable<string>, size: number, samples: number): number {
  if (size === 0) return 0;
  let bytes = 0;
  let seen = 0;
  for (const member of members) {
    bytes += stringBytes(member);
    if (++seen >= samples) break;
  }
  return Math.round((bytes / seen + ELEMENT_ENTRY_BYTES) * size);
}

/** Elements spread over the list (its ends differ most in a queue), 8 bytes of slot each. */
function sampledList(list: ListDeque, samples: number): number {
  const length = list.length;
  if (length === 0) return 0;
  const taken = Math.min(samples, length);
  let bytes = 0;
  for (let i = 0; i < taken; i++) {
    const element = list.at(Math.floor((i * (length - 1)) / Math.max(1, taken - 1)));
    bytes += element === undefined ? 0 : stringBytes(element);
  }
  return Math.round((bytes / taken + 8) * length);
}

function sampledStream(
  stream: { readonly length: number; fieldsAt(position: number): readonly string[] },
  samples: number,
): number {
  const length = stream.length;
  if (length === 0) return 0;
  const taken = Math.min(samples, length);
  let bytes = 0;
  for (let i = 0; i < taken; i++) {
    for (const text of stream.fieldsAt(length - 1 - i)) bytes += stringBytes(text) + 8;
  }
  return Math.round((bytes / taken + STREAM_ENTRY_BYTES) * length);
}

/**
 * A set of keys with O(1) add, delete and uniform random choice (a Map from key to slot plus
 * an array of keys, deletes swap the last slot in). Eviction samples from it: a JS Map has no
 * random access, and walking a Map in insertion order samples keys of one age at a time.
 * Each key also carries a number (its estimated bytes).
 */
export class SampledKeys {
  private readonly slotOf = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly numbers: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.slotOf.has(key);
  }

  /** The number stored with `key`, or undefined if absent. */
  get(key: string): number | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.numbers[slot];
  }

  set(key: string, value: number): void {
    const slot = this.slotOf.get(key);
    if (slot !== undefined) {
      this.numbers[slot] = value;
      return;
    }
    this.slotOf.set(key, this.keys.length);
    this.keys.push(key);
    this.numbers.push(value);
  }

  /** Removes `key`; returns its number (0 if absent). */
  delete(key: string): number {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return 0;
    const value = this.numbers[slot] ?? 0;
    const lastKey = this.keys.pop();
    const lastValue = this.numbers.pop();
    this.slotOf.delete(key);
    if (slot < this.keys.length && lastKey !== undefined && lastValue !== undefined) {
      this.keys[slot] = lastKey;
      this.numbers[slot] = lastValue;
      this.slotOf.set(lastKey, slot);
    }
    return value;
  }

  /** The key in slot `slot` (0 <= slot < size): slots are dense but their order is arbitrary. */
  at(slot: number): string | undefined {
    return this.keys[slot];
  }

  /** A uniformly chosen key, given a uniform integer source; undefined when empty. */
  random(int: (bound: number) => number): string | undefined {
    const size = this.keys.length;
    return size === 0 ? undefined : this.keys[int(size)];
  }

  clear(): void {
    this.slotOf.clear();
    this.keys.length = 0;
    this.numbers.length = 0;
  }
}

/**
 * The running total: bytes of every key as last estimated, plus the keys with a TTL (for the
 * volatile-* policies to sample). Keys changed since the last flush are re-estimated at the
 * next `flush()`; a key gone from the keyspace leaves the total.
 */
export class MemoryAccounting {
  /** Every key, with its estimated bytes. */
  readonly all = new SampledKeys();
  /** Keys with a TTL. */
  readonly volatile = new SampledKeys();
  private readonly dirty = new Set<string>();
  private totalBytes = 0;

  constructor(public samples: number) {}

  /** Marks a key changed (created, modified, deleted, TTL set or cleared). O(1). */
  changed(key: string): void {
    this.dirty.add(key);
  }

  get pending(): number {
    return this.dirty.size;
  }

  /**
   * Re-estimates every changed key; calls `each(key, present)` for each so the caller can keep
   * other per-key metadata in step. Returns the dataset bytes.
   */
  flush(db: Keyspace, each?: (key: string, present: boolean) => void): number {
    if (this.dirty.size === 0) return this.totalBytes;
    for (const key of this.dirty) {
      const value = db.data.get(key);
      if (value === undefined) {
        this.totalBytes -= this.all.delete(key);
        this.volatile.delete(key);
      } else {
        this.track(db, key, value);
      }
      each?.(key, value !== undefined);
    }
    this.dirty.clear();
    return this.totalBytes;
  }

  private track(db: Keyspace, key: string, value: Value): void {
    const bytes = estimateKeyBytes(key, value, this.samples);
    this.totalBytes += bytes - (this.all.get(key) ?? 0);
    this.all.set(key, bytes);
    if (db.expires.has(key)) this.volatile.set(key, 0);
    else this.volatile.delete(key);
  }

  /** Estimates the whole keyspace afresh (tracking switched on, snapshot installed). */
  rebuild(db: Keyspace): void {
    this.all.clear();
    this.volatile.clear();
    this.dirty.clear();
    this.totalBytes = 0;
    for (const [key, value] of db.data) this.track(db, key, value);
  }

  get datasetBytes(): number {
    return this.totalBytes;
  }

  /** The last estimate of one key (0 if unknown). */
  bytesOf(key: string): number {
    return this.all.get(key) ?? 0;
  }
}
