/**
 * A durable snapshot's bytes, read from its file when they are needed (a follower that fell
 * behind the log is sent the snapshot in chunks) instead of held in memory: without this, every
 * node keeps an encoded copy of its whole state beside the state itself (a 1 GB keyspace, a 1 GB
 * image). The file is opened once, when the snapshot is written, received or loaded; reads go
 * through that descriptor, so they keep working after a newer snapshot replaces the file and
 * it is removed (the Raft core may still be sending the older one). The descriptor is closed
 * when the object is collected.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SnapshotData } from '../raft/types.js';
import { allocLarge } from '../shared/large-buffer.js';

const descriptors = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
});

export class FileSnapshotData implements SnapshotData {
  private constructor(
    private readonly fd: number,
    /** Offset of the image in the file (after the record head). */
    private readonly start: number,
    readonly byteLength: number,
    readonly path: string,
  ) {}

  /**
   * Opens `path`, whose bytes from `start` on must be exactly `byteLength` long. `renamedTo` is
   * the name a file still under its temporary name is about to get: the descriptor survives the
   * rename, and the object goes by that name.
   */
  static open(
    path: string,
    start: number,
    byteLength: number,
    renamedTo: string = path,
  ): FileSnapshotData {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size !== start + byteLength)
        throw new Error(`snapshot file ${path} is ${size} bytes, expected ${start + byteLength}`);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    const data = new FileSnapshotData(fd, start, byteLength, renamedTo);
    descriptors.register(data, fd);
    return data;
  }

  subarray(begin: number, end: number): Uint8Array {
    const from = clamp(begin, this.byteLength);
    const to = Math.max(from, clamp(end, this.byteLength));
    const out = allocLarge(to - from);
    this.readInto(out, from);
    return out;
  }

  readInto(target: Uint8Array, begin: number): void {
    if (begin < 0 || begin + target.length > this.byteLength)
      throw new RangeError(`read of ${target.length} bytes at ${begin} beyond ${this.byteLength}`);
    let done = 0;
    while (done < target.length) {
      const n = readSync(this.fd, target, done, target.length - done, this.start + begin + done);
      if (n === 0)
        throw new Error(`snapshot file ${this.path} ended at ${this.start + begin + done}`);
      done += n;
    }
  }
}

/** TypedArray#subarray's clamping of one bound (negative counts from the end). */
export function clamp(at: number, length: number): number {
  const i = Math.trunc(at);
  if (Number.isNaN(i)) return 0;
  return i < 0 ? Math.max(0, length + i) : Math.min(i, length);
}
