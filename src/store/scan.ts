/**
 * Stateless SCAN cursors over any Map or Set (SCAN, HSCAN, SSCAN, ZSCAN), with Redis' contract:
 * an element present from the first call to the last is returned at least once, even when
 * others are added or removed between calls; elements may repeat; cursor 0 starts and ends.
 *
 * Design: every element has a fixed 32-bit hash of its bytes. A call returns the elements whose
 * hash lies in [cursor, bound] and answers `bound + 1` as the next cursor, so successive calls
 * sweep the hash space upwards. An element present throughout has one fixed hash that some call's
 * range covers, whatever else changes. The cursor is a pure function of the data (no server-side
 * iterator state), so it survives leader changes and snapshot restores and is the same on every
 * replica.
 *
 * Cost: each call hashes every element once (O(n)), so the batch size is raised to at least
 * n / SCAN_CALLS_MAX, bounding a whole scan to about SCAN_CALLS_MAX passes. COUNT stays a hint,
 * as in Redis, which also returns small collections in one reply.
 */

/** A full scan takes about this many calls at most, whatever COUNT says. */
export const SCAN_CALLS_MAX = 64;
/** Cursors are 32-bit hash positions; the last position + 1. */
const CURSOR_END = 0x1_0000_0000;

/** What scanKeys iterates: a Map (keys) or a Set. */
export interface Scannable {
  readonly size: number;
  keys(): IterableIterator<string>;
}

export interface ScanPage {
  /** Next cursor; 0 when the scan is complete. */
  readonly cursor: number;
  readonly keys: string[];
}

/**
 * One SCAN step. `accept` filters after the batch is chosen (MATCH, TYPE, expired keys), as
 * Redis does, so a page may be empty while the cursor is not 0.
 */
export function scanKeys(
  source: Scannable,
  cursor: number,
  count: number,
  accept?: (key: string) => boolean,
): ScanPage {
  if (cursor >= CURSOR_END) return { cursor: 0, keys: [] };
  const target = Math.max(1, count, Math.ceil(source.size / SCAN_CALLS_MAX));
  const keys: string[] = [];
  const hashes: number[] = [];
  for (const key of source.keys()) {
    const hash = scanHash(key);
    if (hash >= cursor) {
      keys.push(key);
      hashes.push(hash);
    }
  }
  let bound = CURSOR_END - 1;
  if (keys.length > target) bound = nthSmallest(Uint32Array.from(hashes), target - 1);
  const page: string[] = [];
  let more = false;
  for (let i = 0; i < keys.length; i++) {
    const hash = hashes[i] ?? 0;
    if (hash > bound) {
      more = true;
      continue;
    }
    const key = keys[i] ?? '';
    if (accept === undefined || accept(key)) page.push(key);
  }
  return { cursor: more ? bound + 1 : 0, keys: page };
}

/**
 * Parses a client's cursor: an unsigned decimal integer (Redis accepts up to 2^64 - 1).
 * Returns undefined if it is not one (the caller answers `ERR invalid cursor`).
 */
export function parseScanCursor(text: string): number | undefined {
  if (text.length === 0 || text.length > 20) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  // Same length: compare as text, since 2^64 - 1 is not exact as a double.
  if (text.length === 20 && text > '18446744073709551615') return undefined;
  return value;
}

/** FNV-1a with a murmur3 finaliser, over the element's bytes (latin1 chars). */
export function scanHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Quickselect: the value that would sit at `rank` if `values` were sorted (reorders it). */
function nthSmallest(values: Uint32Array, rank: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >>> 1] ?? 0;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) high = j;
    else if (rank >= i) low = i;
    else break;
  }
  return values[rank] ?? 0;
}
