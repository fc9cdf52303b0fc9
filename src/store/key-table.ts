/**
 * The keyspace's table: keys and string values live as bytes in a few large arena buffers,
 * found through an open-addressing hash table in typed arrays. A `Map<string, string>` holds two
 * JS objects per key that the garbage collector traces, copies while young and promotes; under a
 * pipelined SET load that was a third of the server's CPU (Map.set's cache misses on chained
 * entries, then scavenges copying every new value) and the cause of 30-160 ms pauses. Here a
 * million keys are a few dozen buffers and typed arrays the collector never looks into
 * (node-resp-performance.md: the only layout measured below Redis in memory per key).
 *
 * Layout:
 *   slots     Int32Array of (hash, id + 1) pairs, linear probing, at most 3/4 full; 0 = empty.
 *             Deletion shifts the run back (no tombstones), so lookups never slow down.
 *   entries   by id, five int32 side by side in one array (a lookup reads one place): arena
 *             page and offset of the record, key length, value length (-1: the value is an
 *             object in `objects`), size class. The hash lives in the slot only. Ids are reused
 *             after deletes; they never move while the key exists.
 *   records   key bytes then value bytes (latin1: one byte per char), in a chunk of a size class
 *             (8-byte steps to 256, then 12.5% steps to 32 KiB) carved from arena pages, with
 *             one free list per class; a record above 32 KiB gets a buffer of its own.
 *   objects   non-string values (hashes, lists, ...) by entry id, as JS objects.
 *
 * Reads of a string value return a new JS string made from its bytes (short-lived, so cheap for
 * a generational collector); writes copy the string's chars into the record, in place when the
 * new size falls in the same class.
 *
 * Snapshots (store/snapshot.ts) read records straight from the pages through a `capture()`,
 * which copies nothing: until it is released, the table saves an entry's fields in the
 * capture's undo map before its first change, writes no record in place, reuses no freed chunk
 * and no freed id; pages themselves are only ever dropped (clear, big records), and the capture
 * holds its own references to them. So a capture costs O(1) and each key written meanwhile one
 * saved record, as a fork's copy-on-write costs a page.
 *
 * Keys and values must be latin1 strings (chars 0-255), as everywhere in the store.
 */
import { assert } from '../shared/assert.js';
import { allocLarge, zeroedInt32Array } from '../shared/large-buffer.js';
import { latin1Slice, latin1Write } from '../shared/latin1.js';
import type { Rng } from '../shared/effects.js';
import type { Value } from './values.js';

/**
 * FNV-1a over the key's chars, as an int32. The WATCH buckets are its low 16 bits and a
 * snapshot carries them by bucket: changing this function breaks replicas of another version.
 */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** Spreads FNV's weak low bits before masking (the finalizer of MurmurHash3). */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

const GRAIN = 8;
/** Largest chunk carved from a shared page; larger records get their own buffer. */
export const MAX_CHUNK = 32 * 1024;
const BIG = 255;
const CLASS_SIZES: number[] = [];
for (let size = 16; size <= 256; size += GRAIN) CLASS_SIZES.push(size);
for (let size = 256; size < MAX_CHUNK;) {
  size = Math.min(MAX_CHUNK, size + Math.ceil(size / 8 / GRAIN) * GRAIN);
  CLASS_SIZES.push(size);
}
/** Size class of a record of n bytes: CLASS_OF[ceil(n / 8)]. */
const CLASS_OF = new Uint8Array(MAX_CHUNK / GRAIN + 1);
for (let grains = 0, cls = 0; grains < CLASS_OF.length; grains++) {
  while ((CLASS_SIZES[cls] ?? MAX_CHUNK) < grains * GRAIN) cls++;
  CLASS_OF[grains] = cls;
}

/** Bytes a record of `bytes` takes: its chunk's size class, or exactly `bytes` above MAX_CHUNK. */
export function recordBytes(bytes: number): number {
  return bytes > MAX_CHUNK
    ? bytes
    : (CLASS_SIZES[CLASS_OF[(bytes + GRAIN - 1) >>> 3] ?? 0] ?? bytes);
}

function classOf(bytes: number): number {
  return bytes > MAX_CHUNK ? BIG : (CLASS_OF[(bytes + GRAIN - 1) >>> 3] ?? BIG);
}

/** Arena pages grow from this size, doubling, up to PAGE_MAX (huge pages, large-buffer.ts). */
const PAGE_MIN = 64 * 1024;
const PAGE_MAX = 8 * 1024 * 1024;
const SLOTS_MIN = 16;
const ENTRIES_MIN = 16;

/** An entry's fields, side by side: what one lookup reads is in one place. */
const ENTRY_INTS = 5;
const E_PAGE = 0;
const E_OFFSET = 1;
/** -1 marks a free id. */
const E_KEY = 2;
/** -1: the value is an object in `objects`. */
const E_VALUE = 3;
const E_CLASS = 4;

function newEntries(ids: number): Int32Array {
  const entries = zeroedInt32Array(ids * ENTRY_INTS);
  for (let at = E_KEY; at < entries.length; at += ENTRY_INTS) entries[at] = -1;
  return entries;
}

/** An entry's fields as a capture saw them. */
interface SavedEntry {
  readonly page: number;
  readonly offset: number;
  /** -1: no key under this id. */
  readonly keyLength: number;
  readonly valueLength: number;
  readonly object: Exclude<Value, string> | undefined;
}

/**
 * The table as it was at `capture()`, read by the snapshot writer until it calls `release()`.
 * Entries are read by id (0 to `span` - 1) with `load`, which leaves the entry's fields in the
 * capture's own fields (no object per record): its saved copy if the entry changed since, else
 * the table's arrays as they were handed over, which nothing has changed for that id.
 */
export class TableCapture {
  /** Entry fields before the first change made after the capture, by id. */
  private readonly saved = new Map<number, SavedEntry>();
  /** Set by load(). */
  page: Buffer = Buffer.alloc(0);
  offset = 0;
  keyLength = 0;
  /** -1: the value is `object`. */
  valueLength = 0;
  object: Exclude<Value, string> | undefined = undefined;

  constructor(
    /** Keys captured. */
    readonly count: number,
    /** Entry ids captured run from 0 to span - 1. */
    readonly span: number,
    /** Collections captured (the snapshot writer copies them on write). */
    readonly collections: readonly Exclude<Value, string>[],
    private readonly pages: readonly (Buffer | undefined)[],
    private readonly fields: Int32Array,
    private readonly objects: readonly (Exclude<Value, string> | undefined)[],
  ) {}

  /** Loads entry `id` as captured; false if it held no key. */
  load(id: number): boolean {
    const saved = this.saved.size === 0 ? undefined : this.saved.get(id);
    if (saved !== undefined) {
      if (saved.keyLength < 0) return false;
      this.page = this.pages[saved.page] as Buffer;
      this.offset = saved.offset;
      this.keyLength = saved.keyLength;
      this.valueLength = saved.valueLength;
      this.object = saved.object;
      return true;
    }
    const keyLength = this.fields[id * ENTRY_INTS + E_KEY] as number;
    if (keyLength < 0) return false;
    this.page = this.pages[this.fields[id * ENTRY_INTS + E_PAGE] as number] as Buffer;
    this.offset = this.fields[id * ENTRY_INTS + E_OFFSET] as number;
    this.keyLength = keyLength;
    this.valueLength = this.fields[id * ENTRY_INTS + E_VALUE] as number;
    this.object = this.valueLength < 0 ? this.objects[id] : undefined;
    return true;
  }

  /** Called by the table before entry `id` changes. */
  save(id: number, entry: () => SavedEntry): void {
    if (id < this.span && !this.saved.has(id)) this.saved.set(id, entry());
  }
}

export class KeyTable {
  private slots: Int32Array = new Int32Array(SLOTS_MIN * 2);
  private mask = SLOTS_MIN - 1;
  private count = 0;

  /** Entry fields, ENTRY_INTS per id (one or two cache lines per lookup, not five). */
  private fields: Int32Array = newEntries(ENTRIES_MIN);
  private objects: (Exclude<Value, string> | undefined)[] = [];
  private nextId = 0;
  private freeIds: number[] = [];

  private pages: (Buffer | undefined)[] = [];
  private bumpPage = -1;
  private bumpOffset = 0;
  private nextPageBytes = PAGE_MIN;
  /** Free chunks per class, linked through their first 8 bytes (page, offset); -1 ends. */
  private freePage = new Int32Array(CLASS_SIZES.length).fill(-1);
  private freeOffset = new Int32Array(CLASS_SIZES.length);
  /** Page numbers of dropped big-record buffers, for reuse. */
  private freePageNumbers: number[] = [];
  /** Where `allocate` put the last chunk (fields, not a returned object: the hot path). */
  private allocPage = 0;
  private allocOffset = 0;

  /** Captures not yet released; while there is one nothing is overwritten or reused. */
  private captures: TableCapture[] = [];
  /** Chunks freed during captures, as (page, offset, class) triples; reused on release. */
  private deferred: number[] = [];
  /** Ids whose value is an object (a capture lists their collections). */
  private objectIds = new Set<number>();

  get size(): number {
    return this.count;
  }

  /** Bytes of arena pages held (records, free chunks and the unused end of the last page). */
  get arenaBytes(): number {
    let bytes = 0;
    for (const page of this.pages) bytes += page?.length ?? 0;
    return bytes;
  }

  // ---- lookups ----

  has(key: string, hash = keyHash(key)): boolean {
    return this.find(key, hash) >= 0;
  }

  get(key: string, hash = keyHash(key)): Value | undefined {
    const slot = this.find(key, hash);
    if (slot < 0) return undefined;
    return this.valueOf((this.slots[2 * slot + 1] as number) - 1);
  }

  /** The slot holding `key`, or -1 - (the empty slot where it would go). */
  private find(key: string, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const idPlusOne = slots[2 * slot + 1] as number;
      if (idPlusOne === 0) return -1 - slot;
      if (slots[2 * slot] === hash && this.keyEquals(idPlusOne - 1, key)) return slot;
    }
  }

  private keyEquals(id: number, key: string): boolean {
    const length = this.fields[id * ENTRY_INTS + E_KEY] as number;
    if (length !== key.length) return false;
    const page = this.pages[this.fields[id * ENTRY_INTS + E_PAGE] as number] as Buffer;
    const offset = this.fields[id * ENTRY_INTS + E_OFFSET] as number;
    for (let i = 0; i < length; i++) if (page[offset + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private keyOf(id: number): string {
    const page = this.pages[this.fields[id * ENTRY_INTS + E_PAGE] as number] as Buffer;
    const offset = this.fields[id * ENTRY_INTS + E_OFFSET] as number;
    return latin1Slice(page, offset, offset + (this.fields[id * ENTRY_INTS + E_KEY] as number));
  }

  private valueOf(id: number): Value {
    const length = this.fields[id * ENTRY_INTS + E_VALUE] as number;
    if (length < 0) return this.objects[id] as Exclude<Value, string>;
    const page = this.pages[this.fields[id * ENTRY_INTS + E_PAGE] as number] as Buffer;
    const start =
      (this.fields[id * ENTRY_INTS + E_OFFSET] as number) +
      (this.fields[id * ENTRY_INTS + E_KEY] as number);
    return latin1Slice(page, start, start + length);
  }

  // ---- changes ----

  /** Sets the key's value; true if the key is new. */
  set(key: string, value: Value, hash = keyHash(key)): boolean {
    const slot = this.find(key, hash);
    if (slot >= 0) {
      this.update((this.slots[2 * slot + 1] as number) - 1, key, value);
      return false;
    }
    let empty = -1 - slot;
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) {
      this.resize((this.mask + 1) * 2);
      empty = -1 - this.find(key, hash);
    }
    const id = this.newId();
    this.writeRecord(id, key, value);
    this.slots[2 * empty] = hash;
    this.slots[2 * empty + 1] = id + 1;
    this.count++;
    return true;
  }

  /** Removes the key; true if it was there. */
  delete(key: string, hash = keyHash(key)): boolean {
    const slot = this.find(key, hash);
    if (slot < 0) return false;
    const id = (this.slots[2 * slot + 1] as number) - 1;
    if (this.captures.length !== 0) this.saveForCaptures(id);
    this.free(
      this.fields[id * ENTRY_INTS + E_PAGE] as number,
      this.fields[id * ENTRY_INTS + E_OFFSET] as number,
      this.fields[id * ENTRY_INTS + E_CLASS] as number,
    );
    this.fields[id * ENTRY_INTS + E_KEY] = -1;
    if (this.objects[id] !== undefined) {
      this.objects[id] = undefined;
      this.objectIds.delete(id);
    }
    this.freeIds.push(id);
    this.removeSlot(slot);
    this.count--;
    const capacity = this.mask + 1;
    if (capacity > SLOTS_MIN && this.count * 8 < capacity) this.resize(capacity / 2);
    return true;
  }

  clear(): void {
    this.slots = new Int32Array(SLOTS_MIN * 2);
    this.mask = SLOTS_MIN - 1;
    this.count = 0;
    this.fields = newEntries(ENTRIES_MIN);
    this.objects = [];
    this.objectIds = new Set();
    this.nextId = 0;
    this.freeIds = [];
    // A capture keeps its own references to the pages and to the arrays replaced above, which
    // nothing changes any more: it needs no more saved entries, and the chunks it deferred
    // belong to pages this table no longer has, so they are dropped rather than reused.
    this.captures = [];
    this.pages = [];
    this.bumpPage = -1;
    this.bumpOffset = 0;
    this.nextPageBytes = PAGE_MIN;
    this.freePage.fill(-1);
    this.freePageNumbers = [];
    this.deferred = [];
  }

  /**
   * Empties this table (as clear()) and takes over everything `other` holds, leaving `other`
   * empty: a snapshot is decoded into a table of its own, which replaces the live one only
   * once every record is verified, in O(1) rather than a copy of each record.
   */
  adopt(other: KeyTable): void {
    assert(other.captures.length === 0, 'a captured table cannot be adopted');
    this.clear();
    this.slots = other.slots;
    this.mask = other.mask;
    this.count = other.count;
    this.fields = other.fields;
    this.objects = other.objects;
    this.nextId = other.nextId;
    this.freeIds = other.freeIds;
    this.pages = other.pages;
    this.bumpPage = other.bumpPage;
    this.bumpOffset = other.bumpOffset;
    this.nextPageBytes = other.nextPageBytes;
    this.freePage = other.freePage;
    this.freeOffset = other.freeOffset;
    this.freePageNumbers = other.freePageNumbers;
    this.objectIds = other.objectIds;
    this.deferred = other.deferred;
    // clear() refills the free lists in place: `other` needs its own before it is emptied.
    other.freePage = new Int32Array(CLASS_SIZES.length);
    other.freeOffset = new Int32Array(CLASS_SIZES.length);
    other.clear();
  }

  private update(id: number, key: string, value: Value): void {
    const keyLength = this.fields[id * ENTRY_INTS + E_KEY] as number;
    const cls = this.fields[id * ENTRY_INTS + E_CLASS] as number;
    const inPlace = this.captures.length === 0;
    if (!inPlace) this.saveForCaptures(id);
    if (typeof value === 'string') {
      const bytes = keyLength + value.length;
      if (inPlace && cls !== BIG && classOf(bytes) === cls) {
        const page = this.pages[this.fields[id * ENTRY_INTS + E_PAGE] as number] as Buffer;
        latin1Write(page, value, (this.fields[id * ENTRY_INTS + E_OFFSET] as number) + keyLength);
        this.fields[id * ENTRY_INTS + E_VALUE] = value.length;
        if (this.objects[id] !== undefined) {
          this.objects[id] = undefined;
          this.objectIds.delete(id);
        }
        return;
      }
    } else if (inPlace && classOf(keyLength) === cls) {
      this.fields[id * ENTRY_INTS + E_VALUE] = -1;
      this.objects[id] = value;
      this.objectIds.add(id);
      return;
    }
    const oldPage = this.fields[id * ENTRY_INTS + E_PAGE] as number;
    const oldOffset = this.fields[id * ENTRY_INTS + E_OFFSET] as number;
    this.writeRecord(id, key, value);
    this.free(oldPage, oldOffset, cls);
  }

  private writeRecord(id: number, key: string, value: Value): void {
    const isString = typeof value === 'string';
    const cls = this.allocate(key.length + (isString ? value.length : 0));
    const page = this.pages[this.allocPage] as Buffer;
    latin1Write(page, key, this.allocOffset);
    if (isString) latin1Write(page, value, this.allocOffset + key.length);
    this.fields[id * ENTRY_INTS + E_PAGE] = this.allocPage;
    this.fields[id * ENTRY_INTS + E_OFFSET] = this.allocOffset;
    this.fields[id * ENTRY_INTS + E_KEY] = key.length;
    this.fields[id * ENTRY_INTS + E_VALUE] = isString ? value.length : -1;
    this.fields[id * ENTRY_INTS + E_CLASS] = cls;
    if (!isString) {
      this.objects[id] = value;
      this.objectIds.add(id);
    } else if (this.objects[id] !== undefined) {
      this.objects[id] = undefined;
      this.objectIds.delete(id);
    }
  }

  /** Hands entry `id`'s current fields to every capture that has not saved it yet. */
  private saveForCaptures(id: number): void {
    const entry = (): SavedEntry => ({
      page: this.fields[id * ENTRY_INTS + E_PAGE] as number,
      offset: this.fields[id * ENTRY_INTS + E_OFFSET] as number,
      keyLength: this.fields[id * ENTRY_INTS + E_KEY] as number,
      valueLength: this.fields[id * ENTRY_INTS + E_VALUE] as number,
      object: this.objects[id],
    });
    for (const capture of this.captures) capture.save(id, entry);
  }

  private newId(): number {
    // During a capture a freed id is not reused: the capture reads ids it did not save from the
    // arrays, and an id free then must still be free.
    const reused = this.captures.length === 0 ? this.freeIds.pop() : undefined;
    if (reused !== undefined) return reused;
    const id = this.nextId++;
    if (id * ENTRY_INTS === this.fields.length) this.growEntries(id * 2);
    this.objects.push(undefined);
    return id;
  }

  private growEntries(capacity: number): void {
    const fields = newEntries(capacity);
    fields.set(this.fields);
    this.fields = fields;
  }

  /** Backward-shift deletion: moves later members of the run into the hole. */
  private removeSlot(slot: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = slot;
    for (let next = (slot + 1) & mask; slots[2 * next + 1] !== 0; next = (next + 1) & mask) {
      const home = mix(slots[2 * next] as number) & mask;
      // The entry at `next` may move into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      slots[2 * hole] = slots[2 * next] as number;
      slots[2 * hole + 1] = slots[2 * next + 1] as number;
      hole = next;
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
  }

  private resize(capacity: number): void {
    const slots = zeroedInt32Array(capacity * 2);
    const mask = capacity - 1;
    // Every key's hash is in its old slot: the entries need not keep it.
    const old = this.slots;
    for (let at = 0; at < old.length; at += 2) {
      const idPlusOne = old[at + 1] as number;
      if (idPlusOne === 0) continue;
      const hash = old[at] as number;
      let slot = mix(hash) & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = idPlusOne;
    }
    this.slots = slots;
    this.mask = mask;
  }

  // ---- arena ----

  /** A chunk for `bytes`, left in allocPage/allocOffset; returns its class. */
  private allocate(bytes: number): number {
    if (bytes > MAX_CHUNK) {
      const page = this.freePageNumbers.pop() ?? this.pages.length;
      this.pages[page] = Buffer.allocUnsafeSlow(bytes);
      this.allocPage = page;
      this.allocOffset = 0;
      return BIG;
    }
    const cls = CLASS_OF[(bytes + GRAIN - 1) >>> 3] as number;
    const head = this.freePage[cls] as number;
    if (head >= 0) {
      // Chunks on the free lists were freed outside any capture: none is captured.
      const offset = this.freeOffset[cls] as number;
      const page = this.pages[head] as Buffer;
      this.freePage[cls] = page.readInt32LE(offset);
      this.freeOffset[cls] = page.readInt32LE(offset + 4);
      this.allocPage = head;
      this.allocOffset = offset;
      return cls;
    }
    const size = CLASS_SIZES[cls] as number;
    let page = this.pages[this.bumpPage];
    if (page === undefined || this.bumpOffset + size > page.length) {
      page = allocLarge(this.nextPageBytes);
      this.nextPageBytes = Math.min(PAGE_MAX, this.nextPageBytes * 2);
      this.bumpPage = this.freePageNumbers.pop() ?? this.pages.length;
      this.pages[this.bumpPage] = page;
      this.bumpOffset = 0;
    }
    this.allocPage = this.bumpPage;
    this.allocOffset = this.bumpOffset;
    this.bumpOffset += size;
    return cls;
  }

  private free(page: number, offset: number, cls: number): void {
    if (cls === BIG) {
      // The buffer goes to the collector (a capture holding it keeps it alive).
      this.pages[page] = undefined;
      this.freePageNumbers.push(page);
    } else if (this.captures.length !== 0) {
      this.deferred.push(page, offset, cls);
    } else {
      this.pushFree(page, offset, cls);
    }
  }

  private pushFree(page: number, offset: number, cls: number): void {
    const buffer = this.pages[page] as Buffer;
    buffer.writeInt32LE(this.freePage[cls] as number, offset);
    buffer.writeInt32LE(this.freeOffset[cls] as number, offset + 4);
    this.freePage[cls] = page;
    this.freeOffset[cls] = offset;
  }

  // ---- iteration ----

  /** Live entry ids, in id order; entries deleted during the iteration are skipped. */
  private *ids(): Generator<number, void, undefined> {
    for (let id = 0; id < this.nextId; id++)
      if ((this.fields[id * ENTRY_INTS + E_KEY] as number) >= 0) yield id;
  }

  *keys(): Generator<string, void, undefined> {
    for (const id of this.ids()) yield this.keyOf(id);
  }

  *values(): Generator<Value, void, undefined> {
    for (const id of this.ids()) yield this.valueOf(id);
  }

  *entries(): Generator<[string, Value], void, undefined> {
    for (const id of this.ids()) yield [this.keyOf(id), this.valueOf(id)];
  }

  [Symbol.iterator](): Generator<[string, Value], void, undefined> {
    return this.entries();
  }

  /**
   * A key chosen by `rng`: random entry ids until a live one (the table is at least a quarter
   * full of live ids unless many were deleted), then the first live id after a random one.
   */
  randomKey(rng: Rng): string | undefined {
    if (this.count === 0) return undefined;
    for (let attempt = 0; attempt < 16; attempt++) {
      const id = rng.int(this.nextId);
      if ((this.fields[id * ENTRY_INTS + E_KEY] as number) >= 0) return this.keyOf(id);
    }
    const start = rng.int(this.nextId);
    for (let i = 0; i < this.nextId; i++) {
      const id = (start + i) % this.nextId;
      if ((this.fields[id * ENTRY_INTS + E_KEY] as number) >= 0) return this.keyOf(id);
    }
    return undefined;
  }

  // ---- snapshots ----

  /**
   * Freezes every record for a reader (the snapshot writer) until `release(capture)`: the
   * records' bytes stay where the capture says, whatever is written meanwhile. O(1) plus the
   * number of collections.
   */
  capture(): TableCapture {
    const collections: Exclude<Value, string>[] = [];
    for (const id of this.objectIds) collections.push(this.objects[id] as Exclude<Value, string>);
    const capture = new TableCapture(
      this.count,
      this.nextId,
      collections,
      this.pages.slice(),
      this.fields,
      this.objects,
    );
    this.captures.push(capture);
    return capture;
  }

  /** Ends a capture; when none is left, chunks and ids freed meanwhile become reusable. */
  release(capture: TableCapture): void {
    const at = this.captures.indexOf(capture);
    if (at < 0) return;
    this.captures.splice(at, 1);
    if (this.captures.length !== 0) return;
    const deferred = this.deferred;
    this.deferred = [];
    for (let i = 0; i + 2 < deferred.length; i += 3)
      this.pushFree(deferred[i] as number, deferred[i + 1] as number, deferred[i + 2] as number);
  }
}
