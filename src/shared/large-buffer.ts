/**
 * Buffers of many megabytes (the key table's pages and arrays, a snapshot read whole from its
 * file) that are written once from start to end. On ordinary 4 KiB pages their first touch
 * costs a page fault per page, which on a VM was more than the work of filling them (131 MB:
 * ~400 ms of faults against ~50 ms of copying); the addon maps them on 2 MiB transparent huge
 * pages instead (one fault per 2 MiB). How much that saves depends on the host: the same VM
 * later faulted huge pages in slower than 4 KiB ones. Smaller buffers, a missing addon or a
 * failed mapping get an ordinary Buffer.
 */
import { nativeMemory } from './native.js';

/** Below this a huge page would be mostly waste and the faults are few anyway. */
export const LARGE_BUFFER_MIN_BYTES = 8 * 1024 * 1024;

/** An uninitialized Buffer of exactly `bytes` (like Buffer.allocUnsafeSlow). */
export function allocLarge(bytes: number): Buffer {
  return hugeMapping(bytes) ?? Buffer.allocUnsafeSlow(bytes);
}

/**
 * A zero-filled Int32Array of `length` elements. Large ones (hash tables, key-table entries)
 * are mapped on huge pages, which come zeroed from the kernel: a table of millions of slots
 * then costs a fault per 2 MiB as it is filled, not one per 4 KiB (measured: the insert that
 * resized a million-key table waited 145 ms on 4 KiB pages, 91 ms on huge pages).
 */
export function zeroedInt32Array(length: number): Int32Array {
  const mapped = hugeMapping(length * Int32Array.BYTES_PER_ELEMENT);
  return mapped === undefined
    ? new Int32Array(length)
    : new Int32Array(mapped.buffer, mapped.byteOffset, length);
}

/** A fresh (zeroed) mapping on huge pages, or undefined below the size or without the addon. */
function hugeMapping(bytes: number): Buffer | undefined {
  if (bytes < LARGE_BUFFER_MIN_BYTES) return undefined;
  return nativeMemory()?.alloc_huge(bytes) ?? undefined;
}
