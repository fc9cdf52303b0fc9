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
 *             Deletion shifts the run back (no tombstones), so lookups never slow down. A
 *             resize moves the pairs into the new array a few per operation, as Redis
 *             rehashes (KeyTable.resize).
 *   entries   by id, five int32 side by side (a lookup reads one place): arena page and offset
 *             of the record, key length, value length (-1: the value is an object held by
 *             id), size class; in chunks of 65,536 ids, so that growing never copies them
 *             (Entries). The hash lives in the slot only. Ids are reused after deletes; they
 *             never move while the key exists.
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
import { allocLarge } from '../shared/large-buffer.js';
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
/** Old slots a resize copies per lookup or change (KeyTable.resize). */
const REHASH_SLOTS = 32;
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

/** Ids per entry chunk: 1.25 MiB of fields, allocated at once as the table reaches it. */
const CHUNK_BITS = 16;
const CHUNK_IDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_IDS - 1;

function newFields(ids: number): Int32Array {
  const fields = new Int32Array(ids * ENTRY_INTS);
  for (let at = E_KEY; at < fields.length; at += ENTRY_INTS) fields[at] = -1;
  return fields;
}

/**
 * Entries by id: ENTRY_INTS fields and an object slot each, in chunks of CHUNK_IDS ids. A
 * growing table adds a chunk and never copies the ones it has: copying one array of millions
 * of entries held the event loop for 160-270 ms at 1-2 million keys, mostly in page faults on
 * the new array. Only the first chunk grows by copying, from ENTRIES_MIN to CHUNK_IDS ids.
 */
class Entries {
  constructor(
    private readonly fields: Int32Array[] = [newFields(ENTRIES_MIN)],
    private readonly objects: (Exclude<Value, string> | undefined)[][] = [[]],
  ) {}

  field(id: number, field: number): number {
    return (this.fields[id >>> CHUNK_BITS] as Int32Array)[
      (id & CHUNK_MASK) * ENTRY_INTS + field
    ] as number;
  }

  setField(id: number, field: number, value: number): void {
    (this.fields[id >>> CHUNK_BITS] as Int32Array)[(id & CHUNK_MASK) * ENTRY_INTS + field] = value;
  }

  object(id: number): Exclude<Value, string> | undefined {
    return (this.objects[id >>> CHUNK_BITS] as (Exclude<Value, string> | undefined)[])[
      id & CHUNK_MASK
    ];
  }

  setObject(id: number, value: Exclude<Value, string> | undefined): void {
    (this.objects[id >>> CHUNK_BITS] as (Exclude<Value, string> | undefined)[])[id & CHUNK_MASK] =
      value;
  }

  /** Makes room for `id`, the next id after every one there is room for so far. */
  add(id: number): void {
    const chunk = id >>> CHUNK_BITS;
    const first = this.fields[0] as Int32Array;
    if (chunk === 0 && id * ENTRY_INTS === first.length) {
      const grown = newFields(id * 2);
      grown.set(first);
      this.fields[0] = grown;
    } else if (chunk === this.fields.length) {
      this.fields.push(newFields(CHUNK_IDS));
      this.objects.push([]);
    }
    (this.objects[chunk] as (Exclude<Value, string> | undefined)[]).push(undefined);
  }

  /**
   * The entries as they are now, for a capture: the chunk lists are copied, the chunks shared.
   * The table keeps changing the shared chunks, so the capture must save an entry before the
   * table changes it (TableCapture.save), and reads no id the table added afterwards.
   */
  view(): Entries {
    return new Entries(this.fields.slice(), this.objects.slice());
  }
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
    private readonly byId: Entries,
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
    const keyLength = this.byId.field(id, E_KEY);
    if (keyLength < 0) return false;
    this.page = this.pages[this.byId.field(id, E_PAGE)] as Buffer;
    this.offset = this.byId.field(id, E_OFFSET);
    this.keyLength = keyLength;
    this.valueLength = this.byId.field(id, E_VALUE);
    this.object = this.valueLength < 0 ? this.byId.object(id) : undefined;
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

  /**
   * While the slots are being resized: the slots from before, of which [0, moved) have been
   * copied into `slots` (see rehashStep).
   */
  private oldSlots: Int32Array | null = null;
  private oldMask = 0;
  private moved = 0;

  /** Entry fields, ENTRY_INTS per id (one or two cache lines per lookup, not five). */
  private byId = new Entries();
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
    return this.idOf(key, hash) >= 0;
  }

  get(key: string, hash = keyHash(key)): Value | undefined {
    const id = this.idOf(key, hash);
    return id < 0 ? undefined : this.valueOf(id);
  }

  /** The key's entry id, or -1. Reads move a resize along too, so that it ends without writes. */
  private idOf(key: string, hash: number): number {
    if (this.oldSlots !== null) this.rehashStep();
    const slot = this.find(key, hash);
    if (slot >= 0) return (this.slots[2 * slot + 1] as number) - 1;
    if (this.oldSlots === null) return -1;
    const old = this.findOld(key, hash);
    return old < 0 ? -1 : (this.oldSlots[2 * old + 1] as number) - 1;
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

  /**
   * During a resize, the old slot holding `key` that is not copied yet, or -1. A key is in one
   * place only: in an old slot at `moved` or after, or in `slots`. An old slot before `moved`
   * was copied (a match there lives in `slots`, or was deleted since); a deleted key's old slot
   * holds -1, which continues the probe like a live slot but matches nothing.
   */
  private findOld(key: string, hash: number): number {
    const slots = this.oldSlots as Int32Array;
    const mask = this.oldMask;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const idPlusOne = slots[2 * slot + 1] as number;
      if (idPlusOne === 0) return -1;
      if (idPlusOne > 0 && slots[2 * slot] === hash && this.keyEquals(idPlusOne - 1, key))
        return slot >= this.moved ? slot : -1;
    }
  }

  private keyEquals(id: number, key: string): boolean {
    const length = this.byId.field(id, E_KEY);
    if (length !== key.length) return false;
    const page = this.pages[this.byId.field(id, E_PAGE)] as Buffer;
    const offset = this.byId.field(id, E_OFFSET);
    for (let i = 0; i < length; i++) if (page[offset + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private keyOf(id: number): string {
    const page = this.pages[this.byId.field(id, E_PAGE)] as Buffer;
    const offset = this.byId.field(id, E_OFFSET);
    return latin1Slice(page, offset, offset + this.byId.field(id, E_KEY));
  }

  private valueOf(id: number): Value {
    const length = this.byId.field(id, E_VALUE);
    if (length < 0) return this.byId.object(id) as Exclude<Value, string>;
    const page = this.pages[this.byId.field(id, E_PAGE)] as Buffer;
    const start = this.byId.field(id, E_OFFSET) + this.byId.field(id, E_KEY);
    return latin1Slice(page, start, start + length);
  }

  // ---- changes ----

  /** Sets the key's value; true if the key is new. */
  set(key: string, value: Value, hash = keyHash(key)): boolean {
    if (this.oldSlots !== null) this.rehashStep();
    const slot = this.find(key, hash);
    if (slot >= 0) {
      this.update((this.slots[2 * slot + 1] as number) - 1, key, value);
      return false;
    }
    if (this.oldSlots !== null) {
      const old = this.findOld(key, hash);
      if (old >= 0) {
        this.update((this.oldSlots[2 * old + 1] as number) - 1, key, value);
        return false;
      }
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
    if (this.oldSlots !== null) this.rehashStep();
    const slot = this.find(key, hash);
    const old = slot < 0 && this.oldSlots !== null ? this.findOld(key, hash) : -1;
    if (slot < 0 && old < 0) return false;
    const id =
      ((slot >= 0 ? this.slots[2 * slot + 1] : this.oldSlots?.[2 * old + 1]) as number) - 1;
    if (this.captures.length !== 0) this.saveForCaptures(id);
    this.free(
      this.byId.field(id, E_PAGE),
      this.byId.field(id, E_OFFSET),
      this.byId.field(id, E_CLASS),
    );
    this.byId.setField(id, E_KEY, -1);
    if (this.byId.object(id) !== undefined) {
      this.byId.setObject(id, undefined);
      this.objectIds.delete(id);
    }
    this.freeIds.push(id);
    if (slot >= 0) this.removeSlot(slot);
    else (this.oldSlots as Int32Array)[2 * old + 1] = -1;
    this.count--;
    const capacity = this.mask + 1;
    if (capacity > SLOTS_MIN && this.count * 8 < capacity) this.resize(capacity / 2);
    return true;
  }

  clear(): void {
    this.slots = new Int32Array(SLOTS_MIN * 2);
    this.mask = SLOTS_MIN - 1;
    this.count = 0;
    this.oldSlots = null;
    this.byId = new Entries();
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
    this.oldSlots = other.oldSlots;
    this.oldMask = other.oldMask;
    this.moved = other.moved;
    this.byId = other.byId;
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
    const keyLength = this.byId.field(id, E_KEY);
    const cls = this.byId.field(id, E_CLASS);
    const inPlace = this.captures.length === 0;
    if (!inPlace) this.saveForCaptures(id);
    if (typeof value === 'string') {
      const bytes = keyLength + value.length;
      if (inPlace && cls !== BIG && classOf(bytes) === cls) {
        const page = this.pages[this.byId.field(id, E_PAGE)] as Buffer;
        latin1Write(page, value, this.byId.field(id, E_OFFSET) + keyLength);
        this.byId.setField(id, E_VALUE, value.length);
        if (this.byId.object(id) !== undefined) {
          this.byId.setObject(id, undefined);
          this.objectIds.delete(id);
        }
        return;
      }
    } else if (inPlace && classOf(keyLength) === cls) {
      this.byId.setField(id, E_VALUE, -1);
      this.byId.setObject(id, value);
      this.objectIds.add(id);
      return;
    }
    const oldPage = this.byId.field(id, E_PAGE);
    const oldOffset = this.byId.field(id, E_OFFSET);
    this.writeRecord(id, key, value);
    this.free(oldPage, oldOffset, cls);
  }

  private writeRecord(id: number, key: string, value: Value): void {
    const isString = typeof value === 'string';
    const cls = this.allocate(key.length + (isString ? value.length : 0));
    const page = this.pages[this.allocPage] as Buffer;
    latin1Write(page, key, this.allocOffset);
    if (isString) latin1Write(page, value, this.allocOffset + key.length);
    this.byId.setField(id, E_PAGE, this.allocPage);
    this.byId.setField(id, E_OFFSET, this.allocOffset);
    this.byId.setField(id, E_KEY, key.length);
    this.byId.setField(id, E_VALUE, isString ? value.length : -1);
    this.byId.setField(id, E_CLASS, cls);
    if (!isString) {
      this.byId.setObject(id, value);
      this.objectIds.add(id);
    } else if (this.byId.object(id) !== undefined) {
      this.byId.setObject(id, undefined);
      this.objectIds.delete(id);
    }
  }

  /** Hands entry `id`'s current fields to every capture that has not saved it yet. */
  private saveForCaptures(id: number): void {
    const entry = (): SavedEntry => ({
      page: this.byId.field(id, E_PAGE),
      offset: this.byId.field(id, E_OFFSET),
      keyLength: this.byId.field(id, E_KEY),
      valueLength: this.byId.field(id, E_VALUE),
      object: this.byId.object(id),
    });
    for (const capture of this.captures) capture.save(id, entry);
  }

  private newId(): number {
    // During a capture a freed id is not reused: the capture reads ids it did not save from the
    // arrays, and an id free then must still be free.
    const reused = this.captures.length === 0 ? this.freeIds.pop() : undefined;
    if (reused !== undefined) return reused;
    const id = this.nextId++;
    this.byId.add(id);
    return id;
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

  /**
   * Starts moving the keys into `capacity` slots. Redis' lesson: a table of millions of keys
   * rehashed in one step holds the server for as long as it takes (here 134 ms at 1.5 million
   * keys, 245 ms at 3 million: longer than a Raft heartbeat, 100 ms). So the new slots start
   * empty and every lookup and change first copies the next REHASH_SLOTS old slots
   * (rehashStep) until all are; meanwhile new keys go to the new slots and lookups try both.
   * The new array is zero pages from the kernel, faulted in as it fills, on 4 KiB pages: the
   * first few steps write all over it and would fault in every huge page at once.
   * A resize ends long before the next is due: growing from 3/4 of n slots to 2n takes n/32
   * operations, and the next growth is 3n/4 inserts away, a shrink n/2 deletes; a shrink of
   * c slots takes c/32, the next resize at least c/16 away. Should one still be running when
   * the next is due, it is finished first.
   */
  private resize(capacity: number): void {
    while (this.oldSlots !== null) this.rehashStep();
    this.oldSlots = this.slots;
    this.oldMask = this.mask;
    this.moved = 0;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.rehashStep();
  }

  /** Copies the next REHASH_SLOTS old slots into `slots`; drops the old ones after the last. */
  private rehashStep(): void {
    const old = this.oldSlots as Int32Array;
    const slots = this.slots;
    const mask = this.mask;
    const end = Math.min(this.moved + REHASH_SLOTS, this.oldMask + 1);
    // Every key's hash is in its old slot: the entries need not keep it.
    for (let at = 2 * this.moved; at < 2 * end; at += 2) {
      const idPlusOne = old[at + 1] as number;
      if (idPlusOne <= 0) continue;
      const hash = old[at] as number;
      let slot = mix(hash) & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = idPlusOne;
    }
    this.moved = end;
    if (end > this.oldMask) this.oldSlots = null;
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
    for (let id = 0; id < this.nextId; id++) if (this.byId.field(id, E_KEY) >= 0) yield id;
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
      if (this.byId.field(id, E_KEY) >= 0) return this.keyOf(id);
    }
    const start = rng.int(this.nextId);
    for (let i = 0; i < this.nextId; i++) {
      const id = (start + i) % this.nextId;
      if (this.byId.field(id, E_KEY) >= 0) return this.keyOf(id);
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
    for (const id of this.objectIds)
      collections.push(this.byId.object(id) as Exclude<Value, string>);
    const capture = new TableCapture(
      this.count,
      this.nextId,
      collections,
      this.pages.slice(),
      this.byId.view(),
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
