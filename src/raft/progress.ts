/**
 * The leader's view of each follower (etcd's tracker.Progress) and the membership it tracks.
 * probe: one append in flight until the follower answers; replicate: optimistic pipelining
 * bounded by the inflight window; snapshot: waiting for a snapshot to be installed.
 */
import { assert } from '../shared/assert.js';
import type { NodeId } from '../shared/brand.js';
import { Inflights } from './inflights.js';
import { quorumActive, quorumIndex, voteResult, type VoteResult } from './quorum.js';
import type { ConfChange, ConfState, Snapshot } from './types.js';

export type ProgressStateName = 'probe' | 'replicate' | 'snapshot';

/** An InstallSnapshot in progress towards one follower (chunked, resumable). */
export interface SnapshotSend {
  readonly snapshot: Snapshot;
  /** The next byte the follower said it needs. */
  offset: number;
}

export class ProgressState {
  match = 0;
  next: number;
  state: ProgressStateName = 'probe';
  /** Probe state: an append was sent and not yet answered. */
  probeSent = false;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /**
   * When this follower last acknowledged a ReadIndex round still waiting for its quorum, as
   * Raft.readAcks counted then (0: never): the latest are the fastest to confirm reads.
   */
  readAck = 0;
  /** Snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** The highest commit index sent to this follower. */
  sentCommit = 0;
  snapshotSend: SnapshotSend | undefined = undefined;
  readonly inflights: Inflights;

  constructor(
    next: number,
    public learner: boolean,
    inflightCountMax: number,
    inflightBytesMax: number,
  ) {
    this.next = next;
    this.inflights = new Inflights(inflightCountMax, inflightBytesMax);
  }

  private resetState(state: ProgressStateName): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotSend = undefined;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot the follower has at least the snapshot: resume after it.
    const after = this.state === 'snapshot' ? this.pendingSnapshot : 0;
    this.resetState('probe');
    this.next = Math.max(this.match + 1, after + 1);
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** A successful append response up to `index`; returns whether match moved. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * A rejected append of `rejected` with the follower's hint; returns false for a stale
   * rejection (Raft §5.3, with etcd's fast backtracking).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}

/** Membership plus one ProgressState per member. */
export class ProgressTracker {
  voters: NodeId[] = [];
  learners: NodeId[] = [];
  readonly progress = new Map<NodeId, ProgressState>();

  constructor(
    private readonly inflightCountMax: number,
    private readonly inflightBytesMax: number,
  ) {}

  confState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  isLearner(id: NodeId): boolean {
    return this.learners.includes(id);
  }

  /** Replaces the membership (restart, snapshot) with fresh progress for every member. */
  setConf(conf: ConfState, nextIndex: number): void {
    for (const id of conf.voters)
      if (conf.learners.includes(id)) assert(false, `node ${id} is both voter and learner`);
    this.voters = [...conf.voters];
    this.learners = [...conf.learners];
    this.progress.clear();
    for (const id of this.voters) this.progress.set(id, this.newProgress(nextIndex, false));
    for (const id of this.learners) this.progress.set(id, this.newProgress(nextIndex, true));
  }

  private newProgress(nextIndex: number, learner: boolean): ProgressState {
    return new ProgressState(nextIndex, learner, this.inflightCountMax, this.inflightBytesMax);
  }

  /** Applies one committed change (thesis §4.1); tolerant of replays so restarts are safe. */
  applyChange(cc: ConfChange, nextIndex: number): void {
    const id = cc.node;
    switch (cc.type) {
      case 'addLearner':
        if (this.isVoter(id) || this.isLearner(id)) return;
        this.learners.push(id);
        this.progress.set(id, this.newProgress(nextIndex, true));
        return;
      case 'promote': {
        if (!this.isLearner(id)) return;
        this.learners = this.learners.filter((x) => x !== id);
        this.voters.push(id);
        const pr = this.progress.get(id);
        if (pr !== undefined) pr.learner = false;
        return;
      }
      case 'removeNode':
        this.voters = this.voters.filter((x) => x !== id);
        this.learners = this.learners.filter((x) => x !== id);
        this.progress.delete(id);
        return;
    }
  }

  /** Resets every progress for a new term (Raft Figure 2: nextIndex = last + 1, matchIndex = 0). */
  resetAll(nextIndex: number): void {
    for (const pr of this.progress.values()) {
      pr.match = 0;
      pr.next = nextIndex;
      pr.sentCommit = 0;
      pr.recentActive = false;
      pr.becomeProbe();
      pr.next = nextIndex;
    }
  }

  committedIndex(): number {
    return quorumIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  voteResult(votes: ReadonlyMap<NodeId, boolean>): VoteResult {
    return voteResult(this.voters, votes);
  }

  quorumActive(): boolean {
    return quorumActive(this.voters, (id) => this.progress.get(id)?.recentActive ?? false);
  }
}
