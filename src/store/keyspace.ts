/**
 * The keyspace: the replicated state that data commands read and change. Pure and
 * deterministic: it never reads a clock; the time of each change comes from the log entry
 * (`ApplyEnv.nowMs`), so every replica that applies the same log holds the same keys.
 *
 * Expiry is absolute (ms since the epoch) and kept beside the data, as Redis' `expires` dict.
 * Reads treat an expired key as absent without removing it; writes remove it first
 * (`getForWrite`), and the active sweep removes the rest with replicated deletes.
 */
import type { Rng } from '../shared/effects.js';
import { KeyTable, keyHash } from './key-table.js';
import type { Value } from './values.js';

/** What the log entry being applied supplies to every handler. */
export interface ApplyEnv {
  /** The leader's wall clock when it proposed the entry. */
  readonly nowMs: number;
  /** Log index of the entry (a local counter on a node without a log). Strictly increasing. */
  readonly index: number;
  /** Randomness derived from the entry, so SPOP and friends choose the same on every replica. */
  readonly rng: Rng;
}

/**
 * Node-local metadata kept beside the keyspace (memory estimate, access tracking for eviction;
 * src/store/eviction.ts). Told about every change; never consulted by apply, never in a
 * snapshot. Absent unless maxmemory or an LRU/LFU policy is on, so the default costs one field
 * check per change.
 */
export interface KeyObserver {
  /** `key` was created, modified or deleted by the entry being applied. */
  changed(key: string): void;
  /** Every key was replaced (snapshot installed). */
  rebuild(): void;
}

/** Told about a collection about to be changed in place (a snapshot keeps a copy of it). */
export interface WriteBarrier {
  beforeWrite(value: Exclude<Value, string>): void;
}

/** WATCH granularity: keys hash into this many buckets that remember the last change index. */
export const WATCH_BUCKETS = 1 << 16;

/** Encodings OBJECT ENCODING reports for a string whose writer fixed it. */
export type StringEncoding = 'raw' | 'embstr';

export class Keyspace {
  /** Keys and values (store/key-table.ts). */
  readonly data = new KeyTable();
  readonly expires = new Map<string, number>();
  /**
   * Index of the last change to any key hashing into each bucket. EXEC with WATCH aborts when a
   * watched key's bucket changed after the WATCH; a collision may abort spuriously (clients
   * retry, as with any WATCH abort) but a real change is never missed.
   */
  private readonly changeIndexByBucket = new Float64Array(WATCH_BUCKETS);
  /** Index of the entry being applied; set by the state machine before each entry. */
  applyIndex = 0;
  /**
   * Bumped whenever a new key enters `data` (not when an existing key changes): a SCAN index
   * built at one value still holds every present key while the value is unchanged.
   */
  insertions = 0;
  /** Node-local observer of changes (eviction bookkeeping); undefined when off. */
  observer: KeyObserver | undefined = undefined;
  /**
   * Snapshots being encoded (store/snapshot.ts) that still hold collections by reference: each
   * sees a collection before its first write (copy-on-write). Empty almost always.
   */
  private readonly barriers: WriteBarrier[] = [];
  /**
   * OBJECT ENCODING of strings whose encoding Redis fixes by how they were written rather than
   * by their content: `raw` after APPEND or SETRANGE changed them, `embstr` for an integral
   * INCRBYFLOAT result. Any other write of the key forgets it (the next reading is derived from
   * the content again). Not part of snapshots: Redis re-derives encodings on load too.
   */
  private readonly stringEncodings = new Map<string, StringEncoding>();

  get size(): number {
    return this.data.size;
  }

  /** Read path: the live value at `nowMs`, or undefined. Never mutates. */
  get(key: string, nowMs: number): Value | undefined {
    const value = this.data.get(key, keyHash(key));
    if (value === undefined) return undefined;
    if (this.expires.size > 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at <= nowMs) return undefined;
    }
    return value;
  }

  /**
   * Write path: removes the key if it expired by `nowMs`, then returns the live value. Every
   * handler that changes a collection in place gets it from here (or from a helper that does),
   * so that a snapshot still encoding it keeps its own copy first.
   */
  getForWrite(key: string, nowMs: number): Value | undefined {
    const value = this.data.get(key, keyHash(key));
    if (value === undefined) return undefined;
    if (this.expires.size > 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at <= nowMs) {
        this.delete(key);
        return undefined;
      }
    }
    if (this.barriers.length !== 0 && typeof value !== 'string')
      for (const barrier of this.barriers) barrier.beforeWrite(value);
    return value;
  }

  addBarrier(barrier: WriteBarrier): void {
    this.barriers.push(barrier);
  }

  removeBarrier(barrier: WriteBarrier): void {
    const at = this.barriers.indexOf(barrier);
    if (at >= 0) this.barriers.splice(at, 1);
  }

  /** Sets the value and keeps any TTL (as APPEND, INCR, LPUSH do). */
  put(key: string, value: Value): void {
    const hash = keyHash(key);
    if (this.data.set(key, value, hash)) this.insertions++;
    if (this.stringEncodings.size > 0) this.stringEncodings.delete(key);
    this.changedHash(key, hash);
  }

  /** Sets the value and clears any TTL (as plain SET does). */
  replace(key: string, value: Value): void {
    const hash = keyHash(key);
    if (this.data.set(key, value, hash)) this.insertions++;
    if (this.expires.size > 0) this.expires.delete(key);
    if (this.stringEncodings.size > 0) this.stringEncodings.delete(key);
    this.changedHash(key, hash);
  }

  /** Removes the key and its TTL; true if it existed (expired or not). */
  delete(key: string): boolean {
    const hash = keyHash(key);
    if (!this.data.delete(key, hash)) return false;
    if (this.expires.size > 0) this.expires.delete(key);
    if (this.stringEncodings.size > 0) this.stringEncodings.delete(key);
    this.changedHash(key, hash);
    return true;
  }

  /** The encoding `key`'s string was written with, if its writer fixed one (see above). */
  stringEncodingOf(key: string): StringEncoding | undefined {
    return this.stringEncodings.size > 0 ? this.stringEncodings.get(key) : undefined;
  }

  /** Records the encoding of the string just put at `key`; the caller has put it. */
  setStringEncoding(key: string, encoding: StringEncoding): void {
    this.stringEncodings.set(key, encoding);
  }

  /** A snapshot was installed: its strings read as their content says (as after a reload). */
  forgetStringEncodings(): void {
    this.stringEncodings.clear();
  }

  expiresAt(key: string): number | undefined {
    return this.expires.get(key);
  }

  /** Sets an absolute expiry; the caller has checked the key exists. */
  setExpiry(key: string, atMs: number): void {
    this.expires.set(key, atMs);
    this.changed(key);
  }

  /** Clears the TTL; true if there was one. */
  persist(key: string): boolean {
    if (!this.expires.delete(key)) return false;
    this.changed(key);
    return true;
  }

  clear(): void {
    for (const key of this.data.keys()) this.changed(key);
    this.data.clear();
    this.expires.clear();
    this.stringEncodings.clear();
  }

  /**
   * Records that `key` changed at the current entry. `put`, `replace` and `delete` call it;
   * handlers that mutate a collection in place call it themselves.
   */
  changed(key: string): void {
    this.changedHash(key, keyHash(key));
  }

  private changedHash(key: string, hash: number): void {
    this.changeIndexByBucket[hash & (WATCH_BUCKETS - 1)] = this.applyIndex;
    const observer = this.observer;
    if (observer !== undefined) observer.changed(key);
  }

  /** The index of the last change to a key (or another key in its bucket). */
  changeIndex(key: string): number {
    return this.changeIndexByBucket[keyHash(key) & (WATCH_BUCKETS - 1)] ?? 0;
  }

  /**
   * The WATCH buckets' change indexes as (bucket, index) pairs, buckets ascending, zeros left
   * out. They are replicated state: EXEC's WATCH check reads them when it is applied, so every
   * replica must hold the same ones, and a snapshot carries them.
   */
  changeIndexPairs(): number[] {
    const pairs: number[] = [];
    const table = this.changeIndexByBucket;
    for (let b = 0; b < table.length; b++) {
      const at = table[b] ?? 0;
      if (at !== 0) pairs.push(b, at);
    }
    return pairs;
  }

  /** Installs pairs from changeIndexPairs (a snapshot's), every other bucket 0. */
  restoreChangeIndexes(pairs: readonly number[], applyIndex: number): void {
    this.changeIndexByBucket.fill(0);
    for (let i = 0; i + 1 < pairs.length; i += 2)
      this.changeIndexByBucket[pairs[i] ?? 0] = pairs[i + 1] ?? 0;
    this.applyIndex = applyIndex;
  }

  /**
   * After restoring a snapshot at `index` that does not carry the change indexes (version 1),
   * treat every key as changed then.
   */
  resetChangeIndexes(index: number): void {
    this.changeIndexByBucket.fill(index);
    this.applyIndex = index;
  }
}
