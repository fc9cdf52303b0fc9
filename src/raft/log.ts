/**
 * The Raft log as the core sees it (etcd's raftLog + unstable): a stable prefix in the host's
 * RaftStorage and an unstable suffix (plus possibly an incoming snapshot) that the host has not
 * yet persisted. Indices are plain numbers inside the core; brands are applied at the edges.
 */
import { assert } from '../shared/assert.js';
import type { LogIndex, Term } from '../shared/brand.js';
import { RaftError, type Entry, type RaftStorage, type Snapshot } from './types.js';

export class RaftLog {
  /** Unstable suffix: unstableEntries[i].index === unstableOffset + i. */
  unstableEntries: Entry[] = [];
  unstableOffset: number;
  unstableSnapshot: Snapshot | undefined = undefined;
  /** Last unstable index handed to the host in a Ready (not yet advanced). */
  entriesInProgress: number;
  snapshotInProgress = false;
  committed: number;
  /** Last index handed to the host to apply (in a Ready); applied <= applying <= committed. */
  applying: number;
  applied: number;
  /** Last index the host confirmed durable (advance); the leader counts only this for itself. */
  persisted: number;
  /** Byte size of the entries returned by the last slice() (avoids a second pass). */
  lastSliceBytes = 0;

  constructor(
    readonly storage: RaftStorage,
    committed: number,
    applied: number,
  ) {
    const last = storage.lastIndex();
    this.unstableOffset = last + 1;
    this.entriesInProgress = last;
    this.persisted = last;
    this.committed = committed;
    this.applied = applied;
    this.applying = applied;
    if (committed > last)
      assert(false, `restart: commit ${committed} beyond last index ${last}; the log lost entries`);
    if (applied > committed)
      assert(false, `restart: applied ${applied} beyond commit ${committed}`);
    const first = storage.firstIndex();
    // Raft §7 / RedisRaft #43: after a snapshot the log starts at snapshot index + 1; the host
    // must have restored that snapshot into its state machine before restarting the core.
    if (applied < first - 1)
      assert(
        false,
        `restart: applied ${applied} below snapshot index ${first - 1}; restore the snapshot first`,
      );
  }

  firstIndex(): number {
    if (this.unstableSnapshot !== undefined) return this.unstableSnapshot.meta.index + 1;
    return this.storage.firstIndex();
  }

  lastIndex(): number {
    const n = this.unstableEntries.length;
    if (n > 0) return this.unstableOffset + n - 1;
    if (this.unstableSnapshot !== undefined) return this.unstableSnapshot.meta.index;
    return this.storage.lastIndex();
  }

  /** Term at `index`, or undefined if compacted or beyond the last index. */
  termAt(index: number): number | undefined {
    if (index >= this.unstableOffset) {
      const e = this.unstableEntries[index - this.unstableOffset];
      return e?.term;
    }
    const snap = this.unstableSnapshot;
    if (snap !== undefined) return index === snap.meta.index ? snap.meta.term : undefined;
    return this.storageTerm(index);
  }

  private storageTerm(index: number): number | undefined {
    if (index < this.storage.firstIndex() - 1 || index > this.storage.lastIndex()) return undefined;
    return this.storage.term(index as LogIndex);
  }

  /** Term at an index known to be in the log (asserted). */
  term(index: number): number {
    const t = this.termAt(index);
    if (t === undefined)
      assert(
        false,
        `term(${index}) outside the log [${this.firstIndex() - 1}, ${this.lastIndex()}]`,
      );
    return t;
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  matchTerm(index: number, term: number): boolean {
    return this.termAt(index) === term;
  }

  /** Raft §5.4.1: a candidate's log is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry whose term differs from ours (or is new), 0 if none. */
  findConflict(entries: readonly Entry[]): number {
    const last = this.lastIndex();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Entry;
      // Past our last index everything is new: no need to look further (the common case).
      if (e.index > last || !this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast backtracking (etcd's findConflictByTerm): the largest index <= `index` whose term is
   * <= `term`, and that term (0 if unknown). Skips a whole term of mismatching entries at once.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; ; i--) {
      const t = this.termAt(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
  }

  /**
   * Follower side of AppendEntries (Raft §5.3): returns the last new index, or -1 when the
   * previous entry does not match. Never truncates a committed entry (RedisRaft #53).
   */
  maybeAppend(
    prevIndex: number,
    prevTerm: number,
    commit: number,
    entries: readonly Entry[],
  ): number {
    if (!this.matchTerm(prevIndex, prevTerm)) return -1;
    const lastNew = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed)
        assert(
          false,
          `entry ${conflict} conflicts with committed entry (commit ${this.committed})`,
        );
      this.append(entries, conflict - prevIndex - 1);
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Appends entries[from..] to the unstable suffix, truncating whatever conflicts. */
  append(entries: readonly Entry[], from = 0): number {
    if (from >= entries.length) return this.lastIndex();
    const after = (entries[from] as Entry).index;
    if (after <= this.committed)
      assert(false, `append at ${after} would overwrite committed ${this.committed}`);
    if (after > this.lastIndex() + 1)
      assert(false, `append at ${after} leaves a gap after ${this.lastIndex()}`);
    this.truncateUnstable(after);
    for (let i = from; i < entries.length; i++) this.unstableEntries.push(entries[i] as Entry);
    return this.lastIndex();
  }

  /** Hot path of propose(): one entry at the end of the log. */
  appendOne(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, 'appendOne: index must follow the last index');
    if (this.unstableEntries.length === 0) this.unstableOffset = entry.index;
    this.unstableEntries.push(entry);
  }

  private truncateUnstable(after: number): void {
    const end = this.unstableOffset + this.unstableEntries.length;
    if (after === end) return;
    if (after <= this.unstableOffset) {
      // Replace from a point inside the stable log: the host's storage truncates on append.
      this.unstableOffset = after;
      this.unstableEntries = [];
    } else {
      this.unstableEntries = this.unstableEntries.slice(0, after - this.unstableOffset);
    }
    this.entriesInProgress = Math.min(this.entriesInProgress, after - 1);
    this.persisted = Math.min(this.persisted, after - 1);
  }

  /** Entries in [lo, hi), at most `bytesMax` (but at least one); sets lastSliceBytes. */
  slice(lo: number, hi: number, bytesMax: number): readonly Entry[] {
    if (lo > hi || hi > this.lastIndex() + 1)
      assert(false, `slice(${lo}, ${hi}) beyond last index ${this.lastIndex()}`);
    if (lo < this.firstIndex()) throw new RaftError('compacted', `slice(${lo}): compacted`);
    let stable: readonly Entry[] = [];
    let bytes = 0;
    if (lo < this.unstableOffset) {
      const stableHi = Math.min(hi, this.unstableOffset);
      stable = this.storage.entries(lo as LogIndex, stableHi as LogIndex, bytesMax);
      for (const e of stable) bytes += e.data.byteLength;
      // Stop at the storage's byte limit, or when nothing unstable was asked for.
      if (stable.length < stableHi - lo || hi <= this.unstableOffset) {
        this.lastSliceBytes = bytes;
        return stable;
      }
    }
    const out: Entry[] = stable.length > 0 ? stable.slice() : [];
    const end = hi - this.unstableOffset;
    for (let i = Math.max(lo, this.unstableOffset) - this.unstableOffset; i < end; i++) {
      const e = this.unstableEntries[i] as Entry;
      const size = e.data.byteLength;
      if (bytes + size > bytesMax && out.length > 0) break;
      bytes += size;
      out.push(e);
    }
    this.lastSliceBytes = bytes;
    return out;
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex())
      assert(false, `commit ${index} beyond last index ${this.lastIndex()}; was the log lost?`);
    this.committed = index;
  }

  /** Committed entries not yet handed to the host, at most `bytesMax` (at least one). */
  nextCommittedEntries(bytesMax: number): readonly Entry[] {
    const lo = Math.max(this.applying + 1, this.firstIndex());
    if (lo > this.committed) return [];
    return this.slice(lo, this.committed + 1, bytesMax);
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > Math.max(this.applying, this.firstIndex() - 1);
  }

  /** Raft §7: the log restarts after an installed snapshot. */
  restore(snapshot: Snapshot): void {
    assert(snapshot.meta.index > this.committed, 'restore: snapshot not newer than commit');
    this.unstableSnapshot = snapshot;
    this.snapshotInProgress = false;
    this.unstableEntries = [];
    this.unstableOffset = snapshot.meta.index + 1;
    this.entriesInProgress = snapshot.meta.index;
    this.persisted = Math.min(this.persisted, snapshot.meta.index);
    this.committed = snapshot.meta.index;
    this.applying = Math.max(this.applying, snapshot.meta.index);
  }

  snapshot(): Snapshot {
    return this.unstableSnapshot ?? this.storage.snapshot();
  }

  /** Unstable entries not yet handed out; marks them in progress. */
  takeUnstableEntries(): Entry[] {
    const start = this.entriesInProgress + 1 - this.unstableOffset;
    if (start >= this.unstableEntries.length) return [];
    const out = start <= 0 ? this.unstableEntries.slice() : this.unstableEntries.slice(start);
    this.entriesInProgress = this.lastIndex();
    return out;
  }

  hasUnstableEntries(): boolean {
    return this.entriesInProgress + 1 - this.unstableOffset < this.unstableEntries.length;
  }

  /** The host persisted entries up to (index, term): drop them from the unstable suffix. */
  stableTo(index: number, term: Term | number): void {
    const e = this.unstableEntries[index - this.unstableOffset];
    // A later append may have replaced the entry meanwhile: then nothing became stable.
    if (e === undefined || e.term !== term) return;
    this.unstableEntries = this.unstableEntries.slice(index + 1 - this.unstableOffset);
    this.unstableOffset = index + 1;
    this.persisted = Math.max(this.persisted, index);
  }

  stableSnapTo(index: number): void {
    const snap = this.unstableSnapshot;
    if (snap === undefined || snap.meta.index !== index) return;
    this.unstableSnapshot = undefined;
    this.snapshotInProgress = false;
    this.persisted = Math.max(this.persisted, index);
  }

  appliedTo(index: number): void {
    if (index <= this.applied) return;
    if (index > this.committed) assert(false, `applied ${index} beyond commit ${this.committed}`);
    this.applied = index;
    this.applying = Math.max(this.applying, index);
  }
}
