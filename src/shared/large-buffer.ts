/**
 * Buffers of many megabytes (the key table's arena pages, a snapshot read whole from its file)
 * that are written once from start to end. On ordinary 4 KiB pages their first touch costs a
 * page fault per page, which on a VM was more than the work of filling them (131 MB:
 * ~400 ms of faults against ~50 ms of copying); the addon maps them on 2 MiB transparent huge
 * pages instead (one fault per 2 MiB). How much that saves depends on the host: the same VM
 * later faulted huge pages in slower than 4 KiB ones. Smaller buffers, a missing addon or a
 * failed mapping get an ordinary Buffer. Arrays written at random places (the key table's
 * slots) stay on 4 KiB pages: they would fault in every huge page at their first few writes.
 */
import { nativeMemory } from './native.js';

/** Below this a huge page would be mostly waste and the faults are few anyway. */
export const LARGE_BUFFER_MIN_BYTES = 8 * 1024 * 1024;

/** An uninitialized Buffer of exactly `bytes` (like Buffer.allocUnsafeSlow). */
export function allocLarge(bytes: number): Buffer {
  return hugeMapping(bytes) ?? Buffer.allocUnsafeSlow(bytes);
}

/** A fresh (zeroed) mapping on huge pages, or undefined below the size or without the addon. */
function hugeMapping(bytes: number): Buffer | undefined {
  if (bytes < LARGE_BUFFER_MIN_BYTES) return undefined;
  return nativeMemory()?.alloc_huge(bytes) ?? undefined;
}
