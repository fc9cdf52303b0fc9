/**
 * Bytes that may not all be in memory: a Uint8Array is one, and so is a snapshot read from its
 * file on demand (replication/snapshot-file-data.ts). The Raft core sends such bytes in chunks
 * (its SnapshotData) and the store decodes them a window at a time (store/snapshot.ts).
 */
export interface ByteSource {
  readonly byteLength: number;
  /** Bytes [begin, end) as an array (clamped to the size, as TypedArray#subarray). */
  subarray(begin: number, end: number): Uint8Array;
  /**
   * Reads the bytes from `begin` into all of `target` (which must fit), for a reader that reuses
   * one buffer: a file read a window at a time then leaves no trail of buffers behind it for the
   * garbage collector (and the allocator) to hold on to. Sources in memory need not have it.
   */
  readInto?(target: Uint8Array, begin: number): void;
}
