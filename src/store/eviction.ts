/**
 * Choosing keys to evict under `maxmemory`: Redis' approximated algorithm (src/evict.c). Each
 * step samples `maxmemory-samples` keys into a pool of the 16 best candidates seen so far
 * (EVPOOL_SIZE) and takes the best one that still exists; the pool persists between steps, so
 * over many steps it approaches true LRU / LFU / TTL order at the cost of a few keys per step.
 *
 * Samples are uniform random keys from the accounting's key sets (src/store/memory.ts
 * SampledKeys): all keys, or the keys with a TTL for volatile-*; `*-random` takes one random key.
 *
 * This module only *chooses*. It runs on the node that accepts writes, which then deletes the
 * chosen keys with ordinary replicated DELs, so every replica applies the same deletes (the
 * keyspace stays a deterministic function of the log). Node-local and not in snapshots.
 */
import type { Rng } from '../shared/effects.js';
import { AccessTracker, LFU_INIT_VAL, type AccessMode, type LfuParams } from './access.js';
import type { Keyspace, KeyObserver } from './keyspace.js';
import { MemoryAccounting, type SampledKeys } from './memory.js';

export const EVICTION_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** Redis' EVPOOL_SIZE. */
export const EVICTION_POOL_SIZE = 16;
/** An LFU score above any counter, so LFU candidates order as 255 - counter. */
const LFU_COUNTER_SPAN = 255;

export function isEvictionPolicy(name: string): name is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(name);
}

/** The access metadata a policy needs: LFU policies count, everything else stamps times. */
export function accessModeOf(policy: EvictionPolicy): AccessMode {
  return policy.endsWith('-lfu') ? 'lfu' : 'lru';
}

/** True for the policies that order candidates by access (and so want tracking on). */
export function tracksAccess(policy: EvictionPolicy): boolean {
  return policy.endsWith('-lru') || policy.endsWith('-lfu');
}

/**
 * The per-node metadata beside a keyspace: the memory estimate and the access tracker. Installed
 * as the keyspace's change observer while maxmemory is set or an LRU/LFU policy is selected.
 */
export class KeyMonitor implements KeyObserver {
  readonly accounting: MemoryAccounting;

  constructor(
    private readonly db: Keyspace,
    samples: number,
    readonly access: AccessTracker,
  ) {
    this.accounting = new MemoryAccounting(samples);
    this.accounting.rebuild(db);
  }

  static create(
    db: Keyspace,
    policy: EvictionPolicy,
    samples: number,
    lfu: LfuParams,
    nowMs: number,
    rng: Rng,
  ): KeyMonitor {
    return new KeyMonitor(db, samples, new AccessTracker(accessModeOf(policy), lfu, nowMs, rng));
  }

  /** The access metadata a policy keeps. */
  static modeFor(policy: EvictionPolicy): AccessMode {
    return accessModeOf(policy);
  }

  changed(key: string): void {
    this.accounting.changed(key);
  }

  /** The snapshot replaced every key: estimate afresh and forget access metadata. */
  rebuild(): void {
    this.accounting.rebuild(this.db);
    this.access.clear();
  }

  /** Brings the estimate up to date; returns the dataset bytes. */
  flush(): number {
    if (this.accounting.pending === 0) return this.accounting.datasetBytes;
    return this.accounting.flush(this.db, (key, present) => {
      if (!present) this.access.forget(key);
    });
  }
}

interface Candidate {
  key: string;
  score: number;
}

/** Sampling rounds per victim at most, so one `choose()` is bounded. */
const SAMPLE_ROUNDS_PER_VICTIM = 16;

export class Evictor {
  /** Ascending by score: the best candidate (evicted first) is last. */
  private pool: Candidate[] = [];
  private poolPolicy: EvictionPolicy | undefined;
  private readonly int: (bound: number) => number;

  constructor(rng: Rng) {
    this.int = (bound) => rng.int(bound);
  }

  /**
   * Up to `keysMax` distinct keys whose estimated bytes add up to at least `bytes` (fewer if
   * the policy's candidates run out). Empty when nothing can be evicted (noeviction; no key
   * with a TTL under volatile-*; an empty keyspace). The monitor must be flushed.
   */
  choose(
    monitor: KeyMonitor,
    db: Keyspace,
    policy: EvictionPolicy,
    samples: number,
    bytes: number,
    keysMax: number,
    nowMs: number,
  ): string[] {
    if (policy === 'noeviction') return [];
    if (policy !== this.poolPolicy) this.reset(policy);
    const chosen: string[] = [];
    const taken = new Set<string>();
    let freed = 0;
    while (freed < bytes && chosen.length < keysMax) {
      const key = this.next(monitor, db, policy, Math.max(1, samples), nowMs, taken);
      if (key === undefined) break;
      taken.add(key);
      chosen.push(key);
      freed += monitor.accounting.bytesOf(key);
    }
    return chosen;
  }

  private next(
    monitor: KeyMonitor,
    db: Keyspace,
    policy: EvictionPolicy,
    samples: number,
    nowMs: number,
    taken: ReadonlySet<string>,
  ): string | undefined {
    const source = policy.startsWith('volatile-')
      ? monitor.accounting.volatile
      : monitor.accounting.all;
    if (source.size <= taken.size) return undefined;
    if (policy === 'allkeys-random' || policy === 'volatile-random')
      return randomUntaken(source, this.int, taken);
    for (let round = 0; round < SAMPLE_ROUNDS_PER_VICTIM; round++) {
      this.populate(monitor, db, policy, samples, nowMs, source, taken);
      const best = this.takeBest(source, taken);
      if (best !== undefined) return best;
    }
    return undefined;
  }

  /** Samples `samples` random keys into the pool (Redis evictionPoolPopulate). */
  private populate(
    monitor: KeyMonitor,
    db: Keyspace,
    policy: EvictionPolicy,
    samples: number,
    nowMs: number,
    source: SampledKeys,
    taken: ReadonlySet<string>,
  ): void {
    const count = Math.min(samples, source.size);
    for (let i = 0; i < count; i++) {
      const key = source.random(this.int);
      if (key === undefined) return;
      if (taken.has(key) || this.pool.some((c) => c.key === key)) continue;
      this.insert({ key, score: scoreOf(monitor, db, policy, key, nowMs) });
    }
  }

  private insert(candidate: Candidate): void {
    const pool = this.pool;
    if (pool.length >= EVICTION_POOL_SIZE) {
      const worst = pool[0];
      if (worst === undefined || candidate.score <= worst.score) return;
      pool.shift();
    }
    let at = pool.length;
    while (at > 0 && (pool[at - 1]?.score ?? 0) > candidate.score) at--;
    pool.splice(at, 0, candidate);
  }

  /** The best pooled key that still qualifies; stale entries are dropped on the way. */
  private takeBest(source: SampledKeys, taken: ReadonlySet<string>): string | undefined {
    while (this.pool.length > 0) {
      const candidate = this.pool.pop();
      if (candidate === undefined) break;
      if (!taken.has(candidate.key) && source.has(candidate.key)) return candidate.key;
    }
    return undefined;
  }

  /** Forgets pooled candidates (keyspace replaced, policy changed). */
  reset(policy?: EvictionPolicy): void {
    this.pool = [];
    this.poolPolicy = policy;
  }
}

/** A random slot, then the next slots in turn until a key not chosen yet (bounded by size). */
function randomUntaken(
  source: SampledKeys,
  int: (bound: number) => number,
  taken: ReadonlySet<string>,
): string | undefined {
  const size = source.size;
  const start = int(size);
  for (let i = 0; i < size; i++) {
    const key = source.at((start + i) % size);
    if (key !== undefined && !taken.has(key)) return key;
  }
  return undefined;
}

/** Higher = evicted sooner (Redis' "idle" in evictionPoolPopulate). */
function scoreOf(
  monitor: KeyMonitor,
  db: Keyspace,
  policy: EvictionPolicy,
  key: string,
  nowMs: number,
): number {
  const access = monitor.access;
  switch (policy) {
    case 'allkeys-lru':
    case 'volatile-lru':
      return access.mode === 'lru' ? access.idleMs(key, nowMs) : 0;
    case 'allkeys-lfu':
    case 'volatile-lfu':
      return (
        LFU_COUNTER_SPAN - (access.mode === 'lfu' ? access.frequency(key, nowMs) : LFU_INIT_VAL)
      );
    case 'volatile-ttl':
      // Sooner expiry first; a key without a TTL (persisted meanwhile) last.
      return -(db.expires.get(key) ?? Number.MAX_SAFE_INTEGER);
    case 'allkeys-random':
    case 'volatile-random':
    case 'noeviction':
      return 0;
  }
}
