/**
 * An in-memory RaftStorage (etcd's MemoryStorage): the durable log as the core sees it, for
 * tests, the simulator and hosts that keep their own durable copy. Entries start right after
 * the snapshot: firstIndex = snapshot index + 1, and the term of the snapshot index is kept
 * for the log-matching check of the first entry (Raft §5.3, §7).
 */
import { assert } from '../shared/assert.js';
import { logIndex, term as toTerm, type LogIndex, type Term } from '../shared/brand.js';
import {
  NO_NODE,
  RaftError,
  type ConfState,
  type Entry,
  type HardState,
  type RaftStorage,
  type Snapshot,
  type SnapshotData,
} from './types.js';

const EMPTY = new Uint8Array(0);

export class MemoryStorage implements RaftStorage {
  private hardState: HardState;
  private conf: ConfState;
  private snap: Snapshot;
  /** Index of ents[0]. */
  private first: number;
  /** Term of the entry at first - 1 (the snapshot, or 0 for an empty log). */
  private prevTerm: number;
  private ents: Entry[];

  constructor(init?: {
    hardState?: HardState;
    conf?: ConfState;
    snapshot?: Snapshot;
    entries?: Entry[];
  }) {
    this.snap = init?.snapshot ?? {
      meta: {
        index: logIndex(0),
        term: toTerm(0),
        conf: init?.conf ?? { voters: [], learners: [] },
      },
      data: EMPTY,
    };
    this.conf = init?.conf ?? this.snap.meta.conf;
    this.hardState = init?.hardState ?? { term: toTerm(0), vote: NO_NODE, commit: logIndex(0) };
    this.first = this.snap.meta.index + 1;
    this.prevTerm = this.snap.meta.term;
    this.ents = [];
    if (init?.entries !== undefined) this.append(init.entries);
  }

  /**
   * The storage of an initial member, bootstrapped as etcd does: a snapshot at index 1, term 1
   * holding the initial membership and the empty state machine image `data`. The membership is
   * thus never implied by an empty log: a node added later starts empty, and the leader, whose
   * log begins at 2, brings it up with this (or a later) snapshot, conf included.
   */
  static bootstrap(conf: ConfState, data: Uint8Array): MemoryStorage {
    const snapshot: Snapshot = { meta: { index: logIndex(1), term: toTerm(1), conf }, data };
    const hardState: HardState = { term: toTerm(1), vote: NO_NODE, commit: logIndex(1) };
    return new MemoryStorage({ hardState, conf, snapshot });
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: this.hardState, conf: this.conf };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  /** The membership the host has applied (persist it with the applied index). */
  setConf(conf: ConfState): void {
    this.conf = conf;
  }

  firstIndex(): LogIndex {
    return logIndex(this.first);
  }

  lastIndex(): LogIndex {
    return logIndex(this.first + this.ents.length - 1);
  }

  term(index: LogIndex): Term {
    if (index === this.first - 1) return toTerm(this.prevTerm);
    if (index < this.first)
      throw new RaftError('compacted', `term(${index}): compacted below ${this.first}`);
    const e = this.ents[index - this.first];
    if (e === undefined)
      throw new RaftError('unavailable', `term(${index}): beyond last index ${this.lastIndex()}`);
    return e.term;
  }

  entries(lo: LogIndex, hi: LogIndex, bytesMax: number): readonly Entry[] {
    if (lo < this.first)
      throw new RaftError('compacted', `entries(${lo}): compacted below ${this.first}`);
    if (hi > this.first + this.ents.length || lo > hi) {
      throw new RaftError(
        'unavailable',
        `entries(${lo}, ${hi}): beyond last index ${this.lastIndex()}`,
      );
    }
    const start = lo - this.first;
    let end = hi - this.first;
    // At least one entry; then stop before the byte limit is exceeded.
    let bytes = 0;
    for (let i = start; i < end; i++) {
      bytes += (this.ents[i] as Entry).data.byteLength;
      if (bytes > bytesMax && i > start) {
        end = i;
        break;
      }
    }
    return this.ents.slice(start, end);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Appends entries, replacing any conflicting suffix; entries below firstIndex are skipped. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const firstNew = (entries[0] as Entry).index;
    const lastNew = firstNew + entries.length - 1;
    if (lastNew < this.first) return;
    if (firstNew > this.first + this.ents.length)
      assert(false, `append at ${firstNew} leaves a gap after ${this.lastIndex()}`);
    const skip = Math.max(0, this.first - firstNew);
    const keep = firstNew + skip - this.first;
    if (keep < this.ents.length) this.ents.length = keep;
    // Entries are contiguous by contract: checking both ends covers the whole batch.
    if ((entries[entries.length - 1] as Entry).index !== lastNew)
      assert(false, 'append: entries must be contiguous');
    const ents = this.ents;
    for (let i = skip; i < entries.length; i++) ents.push(entries[i] as Entry);
  }

  /** Drops entries up to `index` (kept: its term, for the log-matching check). */
  compact(index: LogIndex): void {
    if (index < this.first)
      throw new RaftError('compacted', `compact(${index}): already compacted to ${this.first - 1}`);
    if (index > this.lastIndex())
      throw new RaftError(
        'unavailable',
        `compact(${index}): beyond last index ${this.lastIndex()}`,
      );
    this.prevTerm = this.term(index);
    this.ents = this.ents.slice(index + 1 - this.first);
    this.first = index + 1;
  }

  /** Records a snapshot of the state machine at `index` (which must still be in the log). */
  createSnapshot(index: LogIndex, conf: ConfState, data: SnapshotData): Snapshot {
    if (index <= this.snap.meta.index) {
      throw new RaftError(
        'compacted',
        `createSnapshot(${index}): not newer than ${this.snap.meta.index}`,
      );
    }
    if (index > this.lastIndex())
      throw new RaftError('unavailable', `createSnapshot(${index}): beyond last index`);
    this.snap = { meta: { index, term: this.term(index), conf }, data };
    return this.snap;
  }

  /** Installs a snapshot received from the leader: the log restarts right after it. */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.meta.index <= this.snap.meta.index) {
      throw new RaftError(
        'compacted',
        `applySnapshot(${snapshot.meta.index}): not newer than ${this.snap.meta.index}`,
      );
    }
    this.snap = snapshot;
    this.conf = snapshot.meta.conf;
    this.first = snapshot.meta.index + 1;
    this.prevTerm = snapshot.meta.term;
    this.ents = [];
  }
}
