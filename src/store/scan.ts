/**
 * Stateless SCAN cursors over any Map or Set (SCAN, HSCAN, SSCAN, ZSCAN), with Redis' contract:
 * an element present from the first call to the last is returned at least once, even when
 * others are added or removed between calls; elements may repeat; cursor 0 starts and ends.
 *
 * Design: every element has a fixed 32-bit hash of its bytes (`scanHash`). A page holds the
 * elements whose hash lies in [cursor, bound] in hash order, and answers `bound + 1` as the next
 * cursor, so successive calls sweep the hash space upwards. An element present throughout has
 * one fixed hash that some page's range covers, whatever else changes. The cursor is a pure
 * function of the data (no server-side iterator state), so it survives leader changes and
 * snapshot restores and means the same on every replica.
 *
 * Page size: at least COUNT (a hint, as in Redis) and at least size / SCAN_CALLS_MAX, so that a
 * whole scan takes about SCAN_CALLS_MAX calls at most. `bound` is the hash of the page-size-th
 * element from the cursor; elements sharing that hash all go in the same page.
 *
 * Two ways to compute the same page:
 *   scanKeys   stateless, O(n) per call: hashes every element (collections use it).
 *   ScanIndex  keeps the elements sorted by hash while no element was inserted since it was
 *              built (the caller supplies an insertion counter), O(page + log n) per call;
 *              rebuilt in O(n) by radix sort when stale (the keyspace uses it).
 * Both answer exactly the same page for the same data, cursor and count (tests check it), so a
 * reply never depends on the cache.
 */
import { cString, strtoull } from './numbers.js';

/** A full scan takes about this many calls at most, whatever COUNT says. */
export const SCAN_CALLS_MAX = 64;
/** Cursors are 32-bit hash positions; the last position + 1. */
const CURSOR_END = 0x1_0000_0000;

/** What a scan iterates: the keys of a Map, or a Set. */
export interface Scannable {
  readonly size: number;
  keys(): IterableIterator<string>;
  has(key: string): boolean;
}

export interface ScanPage {
  /** Next cursor; 0 when the scan is complete. */
  readonly cursor: number;
  readonly keys: string[];
}

const END: ScanPage = Object.freeze({ cursor: 0, keys: [] }) as ScanPage;

function pageSize(size: number, count: number): number {
  return Math.max(1, count, Math.ceil(size / SCAN_CALLS_MAX));
}

/**
 * One SCAN step, stateless. `accept` filters after the page is chosen (MATCH, TYPE, expired
 * keys), as Redis does, so a page may be empty while the cursor is not 0.
 */
export function scanKeys(
  source: Scannable,
  cursor: number,
  count: number,
  accept?: (key: string) => boolean,
): ScanPage {
  if (cursor >= CURSOR_END) return END;
  const keys: string[] = [];
  const hashes: number[] = [];
  for (const key of source.keys()) {
    const hash = scanHash(key);
    if (hash >= cursor) {
      keys.push(key);
      hashes.push(hash);
    }
  }
  const size = pageSize(source.size, count);
  let bound = CURSOR_END - 1;
  if (keys.length > size) bound = nthSmallest(Uint32Array.from(hashes), size - 1);
  const chosen: number[] = [];
  let more = false;
  for (let i = 0; i < keys.length; i++) {
    if ((hashes[i] ?? 0) <= bound) chosen.push(i);
    else more = true;
  }
  // Hash order, ties in iteration order (sort is stable): the order ScanIndex answers in.
  chosen.sort((a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0));
  const page: string[] = [];
  for (const i of chosen) {
    const key = keys[i] ?? '';
    if (accept === undefined || accept(key)) page.push(key);
  }
  return { cursor: more ? bound + 1 : 0, keys: page };
}

/**
 * The elements of one Map/Set sorted by hash, valid while the owner's insertion counter is the
 * one it was built at (deleted elements are skipped with `has`; an insertion makes it stale).
 * Holds references to the keys it indexed until the next rebuild.
 */
export class ScanIndex {
  private keys: string[] = [];
  private hashes = new Uint32Array(0);
  private builtAt = -1;

  /** As scanKeys; `insertions` must change whenever an element is added to `source`. */
  page(
    source: Scannable,
    insertions: number,
    cursor: number,
    count: number,
    accept?: (key: string) => boolean,
  ): ScanPage {
    if (cursor >= CURSOR_END) return END;
    if (insertions !== this.builtAt) this.rebuild(source, insertions);
    const size = pageSize(source.size, count);
    const keys = this.keys;
    const hashes = this.hashes;
    const page: string[] = [];
    let taken = 0;
    let last = -1;
    let i = lowerBound(hashes, cursor);
    for (; i < hashes.length; i++) {
      const key = keys[i] ?? '';
      if (!source.has(key)) continue;
      const hash = hashes[i] ?? 0;
      if (taken >= size && hash !== last) break;
      taken++;
      last = hash;
      if (accept === undefined || accept(key)) page.push(key);
    }
    return { cursor: i < hashes.length ? last + 1 : 0, keys: page };
  }

  private rebuild(source: Scannable, insertions: number): void {
    const keys = [...source.keys()];
    const hashes = new Uint32Array(keys.length);
    for (let i = 0; i < keys.length; i++) hashes[i] = scanHash(keys[i] ?? '');
    const order = radixOrder(hashes);
    this.keys = new Array<string>(keys.length);
    this.hashes = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) {
      const from = order[i] ?? 0;
      this.keys[i] = keys[from] ?? '';
      this.hashes[i] = hashes[from] ?? 0;
    }
    this.builtAt = insertions;
  }
}

/** Stable order of indexes by 32-bit value: two 16-bit counting-sort passes. */
function radixOrder(values: Uint32Array): Uint32Array {
  let order = new Uint32Array(values.length);
  let next = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (const shift of [0, 16]) {
    const starts = new Uint32Array(0x10001);
    for (let i = 0; i < values.length; i++) {
      const digit = ((values[i] ?? 0) >>> shift) & 0xffff;
      starts[digit + 1] = (starts[digit + 1] ?? 0) + 1;
    }
    for (let d = 1; d <= 0x10000; d++) starts[d] = (starts[d] ?? 0) + (starts[d - 1] ?? 0);
    for (let i = 0; i < order.length; i++) {
      const index = order[i] ?? 0;
      const digit = ((values[index] ?? 0) >>> shift) & 0xffff;
      const at = starts[digit] ?? 0;
      next[at] = index;
      starts[digit] = at + 1;
    }
    [order, next] = [next, order];
  }
  return order;
}

/** First position whose value is >= target in an ascending array. */
function lowerBound(values: Uint32Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] ?? 0) < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Decimal digits that always make a safe integer. */
const SAFE_DIGITS = 15;

/**
 * Parses a client's cursor as Redis' parseScanCursorOrReply does: strtoul (base 10) on the C
 * string, i.e. up to its first NUL, with no leading white space (Redis checks isspace on the
 * first byte), nothing after the digits and no overflow. So "" is 0, "+5" is 5 and "-1" is
 * 2^64 - 1 (strtoul negates modulo 2^64). Returns undefined where Redis answers
 * `ERR invalid cursor`. Values past 2^53 come back rounded: every cursor from 2^32 up means
 * "past the end" here, so only the comparison with 2^32 matters.
 */
export function parseScanCursor(text: string): number | undefined {
  if (text.length > 0 && text.length <= SAFE_DIGITS && isDigits(text)) return Number(text);
  const c = cString(text);
  if (c.length === 0) return 0;
  const value = strtoull(c, false);
  return value === undefined ? undefined : Number(value);
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  return true;
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
