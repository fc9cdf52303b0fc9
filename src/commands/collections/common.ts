/**
 * Small pieces shared by the collection families: key specs, replies Redis shares between
 * commands, and the bounded random helpers (randomness only through env.rng, so every replica
 * that applies the same entry chooses the same members).
 */
import type { Rng } from '../../shared/effects.js';
import { ErrorReply, MapReply, SetReply } from '../reply.js';
import type { KeySpec } from '../spec.js';

/** One key, at argument 1. */
export const FIRST_KEY: KeySpec = Object.freeze({ first: 1, last: 1, step: 1 });
/** Every argument from 1 on is a key (SINTER, SUNION, ...). */
export const ALL_KEYS: KeySpec = Object.freeze({ first: 1, last: -1, step: 1 });
/** Source and destination at arguments 1 and 2 (LMOVE, SMOVE, RPOPLPUSH). */
export const TWO_KEYS: KeySpec = Object.freeze({ first: 1, last: 2, step: 1 });

export const EMPTY_MAP = new MapReply([]);
export const EMPTY_SET = new SetReply([]);

/**
 * Largest reply a negative count (SRANDMEMBER, HRANDFIELD: "with repetitions") may ask for.
 * Redis would stream any size until the client output limit kills the connection; we refuse
 * up front instead of building an unbounded reply in memory.
 */
export const RANDOM_REPLY_ELEMENTS_MAX = 1 << 20;
export const RANDOM_COUNT_TOO_LARGE = new ErrorReply('ERR value is out of range');
export const LONG_RANGE_ERROR = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);

/**
 * True for the one int64 below -LONG_MAX (`-9223372036854775808`), which Redis' range checks
 * (-LONG_MAX..LONG_MAX) reject. Compared as text: as a double it equals -LONG_MAX.
 */
export function isInt64Min(text: string): boolean {
  return text === '-9223372036854775808';
}

/** The element at position `index` of an iteration order (O(index): Map/Set have no random access). */
export function nth<T>(items: Iterable<T>, index: number): T | undefined {
  let i = 0;
  for (const item of items) {
    if (i === index) return item;
    i++;
  }
  return undefined;
}

/**
 * `count` distinct items chosen uniformly (partial Fisher-Yates over a copy), in the order they
 * were drawn. The caller has checked 0 < count < items.length.
 */
export function sampleDistinct<T>(items: T[], count: number, rng: Rng): T[] {
  const out = new Array<T>(count);
  const n = items.length;
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const picked = items[j] as T;
    items[j] = items[i] as T;
    items[i] = picked;
    out[i] = picked;
  }
  return out;
}
