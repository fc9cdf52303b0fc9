/**
 * Access tracking for eviction and OBJECT IDLETIME / FREQ: node-local metadata, not replicated
 * state. Each node records the accesses its own clients make (a follower sees only the writes it
 * applies), it is never in a snapshot, and nothing in `apply` decides anything from it except
 * OBJECT's answers (which are node-local by nature, as in Redis where a replica has its own LRU).
 *
 * One number per key, as Redis keeps 24 bits in each object header:
 * - `lru`: the wall-clock ms of the last access (Redis keeps seconds; we answer in seconds).
 * - `lfu`: Redis' layout, `minutes << 8 | counter`: the minute (mod 2^16) the counter was last
 *   decayed and an 8-bit logarithmic counter (src/evict.c LFULogIncr / LFUDecrAndReturn).
 * Keys with no entry were created before tracking started: they count as accessed when it
 * started (LRU) or as new keys (LFU, counter LFU_INIT_VAL).
 */
import type { Rng } from '../shared/effects.js';

export type AccessMode = 'lru' | 'lfu';

/** Redis' LFU_INIT_VAL: new keys start here so that they are not evicted at once. */
export const LFU_INIT_VAL = 5;
const LFU_COUNTER_MAX = 255;
/** Redis keeps the decay time in 16 bits of minutes. */
const LFU_MINUTES_MOD = 65536;
const MS_PER_MINUTE = 60_000;

export interface LfuParams {
  /** lfu-log-factor: higher = more accesses to saturate the counter (Redis default 10). */
  logFactor: number;
  /** lfu-decay-time: minutes per counter decrement; 0 = never decay (Redis default 1). */
  decayMinutes: number;
}

export class AccessTracker {
  private readonly stamps = new Map<string, number>();

  constructor(
    readonly mode: AccessMode,
    readonly lfu: LfuParams,
    /** When tracking started: the assumed last access of keys it has not seen. */
    private readonly startedMs: number,
    /** For LFULogIncr's probability; node-local, so it needs not be replicated. */
    private readonly rng: Rng,
  ) {}

  /** Records an access to an existing key at `nowMs`. */
  touch(key: string, nowMs: number): void {
    if (this.mode === 'lru') {
      this.stamps.set(key, nowMs);
      return;
    }
    // A key seen for the first time starts at LFU_INIT_VAL, as a new object does in Redis
    // (whose creating write is not counted as an access either).
    const seen = this.stamps.has(key);
    const counter = seen ? this.logIncrement(this.frequency(key, nowMs)) : LFU_INIT_VAL;
    this.stamps.set(key, minutesOf(nowMs) * 256 + counter);
  }

  /** Drops the metadata of a key that no longer exists. */
  forget(key: string): void {
    this.stamps.delete(key);
  }

  clear(): void {
    this.stamps.clear();
  }

  /** Ms since the last access (LRU mode). */
  idleMs(key: string, nowMs: number): number {
    return Math.max(0, nowMs - (this.stamps.get(key) ?? this.startedMs));
  }

  /** The decayed counter (Redis LFUDecrAndReturn), without counting an access (LFU mode). */
  frequency(key: string, nowMs: number): number {
    const stamp = this.stamps.get(key);
    if (stamp === undefined) return LFU_INIT_VAL;
    const counter = stamp % 256;
    const decay = this.lfu.decayMinutes;
    if (decay <= 0) return counter;
    const periods = Math.floor(elapsedMinutes(Math.floor(stamp / 256), nowMs) / decay);
    return periods > counter ? 0 : counter - periods;
  }

  /** Redis LFULogIncr: +1 with probability 1 / ((counter - LFU_INIT_VAL) * factor + 1). */
  private logIncrement(counter: number): number {
    if (counter >= LFU_COUNTER_MAX) return LFU_COUNTER_MAX;
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const p = 1 / (base * this.lfu.logFactor + 1);
    return this.rng.float() < p ? counter + 1 : counter;
  }
}

function minutesOf(nowMs: number): number {
  return Math.floor(nowMs / MS_PER_MINUTE) % LFU_MINUTES_MOD;
}

/** Redis LFUTimeElapsed: minutes since `then`, modulo the 16-bit wrap. */
function elapsedMinutes(then: number, nowMs: number): number {
  const now = minutesOf(nowMs);
  return now >= then ? now - then : LFU_MINUTES_MOD - then + now;
}
