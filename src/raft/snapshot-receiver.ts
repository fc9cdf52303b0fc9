/**
 * The default SnapshotReceiver: a received snapshot's chunks are kept in memory and joined once
 * complete (a single chunk is used as it is). Deterministic and free of I/O, for the simulator
 * and for hosts without a disk; replication/snapshot-spool.ts writes them to a file instead.
 */
import type { SnapshotData, SnapshotReceiver, SnapshotSink } from './types.js';

export const memoryReceiver: SnapshotReceiver = {
  begin(_meta, totalBytes): SnapshotSink {
    // The core counts the bytes and checks the size of what finish() returns.
    let parts: Uint8Array[] = [];
    return {
      append(bytes) {
        parts.push(bytes);
        return true;
      },
      finish(): SnapshotData {
        const whole = join(parts, totalBytes);
        parts = [];
        return whole;
      },
      abort() {
        parts = [];
      },
    };
  },
};

function join(parts: readonly Uint8Array[], totalBytes: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(totalBytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
