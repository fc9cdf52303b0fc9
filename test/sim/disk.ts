/**
 * A simulated disk for one replica. Two images of the same log:
 * - `live`: what the process has written (the core's RaftStorage reads it);
 * - `durable`: what has been fsynced and survives a crash.
 * Writes land in `live` at once and queue as unsynced ops; `fsync()` replays the queue into
 * `durable`. A crash keeps a random prefix of the unsynced ops (a torn tail: some writes reached
 * the platter, later ones did not) and rebuilds `live` from `durable`. One Ready is one op, so a
 * Ready is atomic on disk (as one WAL record batch is).
 */
import { MemoryStorage } from '../../src/raft/storage.js';
import type { ConfState, Entry, HardState, LogIndex, Snapshot } from '../../src/raft/types.js';
import type { Rng } from '../../src/shared/effects.js';

export type DiskOp =
  | {
      readonly kind: 'ready';
      readonly snapshot: Snapshot | undefined;
      readonly entries: readonly Entry[];
      readonly hardState: HardState | undefined;
    }
  | {
      readonly kind: 'compact';
      readonly index: LogIndex;
      readonly conf: ConfState;
      readonly data: Uint8Array;
    };

/**
 * How an initial member starts: with a snapshot at index 1 holding the initial membership, as
 * etcd bootstraps. Then the log starts at 2, so a node added later always begins with a
 * snapshot and learns the initial voters from it (the membership is not in the log).
 */
export interface BootImage {
  readonly snapshot: Snapshot;
  readonly hardState: HardState;
}

export class SimDisk {
  live: MemoryStorage;
  private readonly durable: MemoryStorage;
  private unsynced: DiskOp[] = [];

  constructor(boot: BootImage | undefined) {
    this.durable =
      boot === undefined
        ? new MemoryStorage()
        : new MemoryStorage({
            snapshot: boot.snapshot,
            hardState: boot.hardState,
            conf: boot.snapshot.meta.conf,
          });
    this.live = cloneStorage(this.durable);
  }

  /** A write(2): visible to the process now, durable only after the next fsync. */
  write(op: DiskOp): void {
    applyOp(this.live, op);
    this.unsynced.push(op);
  }

  fsync(): void {
    for (const op of this.unsynced) applyOp(this.durable, op);
    this.unsynced = [];
  }

  get unsyncedCount(): number {
    return this.unsynced.length;
  }

  /**
   * Power loss. `inFlight` is a write that was issued but whose fsync had not returned: it may
   * or may not have reached the disk. Returns how many ops were lost.
   */
  crash(rng: Rng, inFlight: DiskOp | undefined): number {
    const candidates = inFlight === undefined ? this.unsynced : [...this.unsynced, inFlight];
    const kept = rng.int(candidates.length + 1);
    for (const op of candidates.slice(0, kept)) applyOp(this.durable, op);
    this.unsynced = [];
    this.live = cloneStorage(this.durable);
    return candidates.length - kept;
  }

  /** The durable image, read-only, for the durability check. */
  get durableImage(): MemoryStorage {
    return this.durable;
  }
}

export function applyOp(storage: MemoryStorage, op: DiskOp): void {
  if (op.kind === 'compact') {
    storage.createSnapshot(op.index, op.conf, op.data);
    storage.compact(op.index);
    // The membership persisted with the snapshot is the one a restart begins from.
    storage.setConf(op.conf);
    return;
  }
  if (op.snapshot !== undefined) storage.applySnapshot(op.snapshot);
  if (op.entries.length > 0) storage.append(op.entries);
  if (op.hardState !== undefined) storage.setHardState(op.hardState);
}

export function cloneStorage(source: MemoryStorage): MemoryStorage {
  const { hardState, conf } = source.initialState();
  const first = source.firstIndex();
  const last = source.lastIndex();
  const entries = last >= first ? source.entries(first, (last + 1) as LogIndex, BYTES_ALL) : [];
  return new MemoryStorage({ hardState, conf, snapshot: source.snapshot(), entries: [...entries] });
}

const BYTES_ALL = Number.MAX_SAFE_INTEGER;
