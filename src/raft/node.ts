/**
 * RaftNode: the public surface of the core (RaftCore, etcd's RawNode). It owns the Ready /
 * advance hand-off and the proposal entry points; the algorithm lives in raft.ts and the
 * step-*.ts role modules. Pure: no I/O, no clock, no global randomness (config.rng only).
 */
import { assert } from '../shared/assert.js';
import {
  logIndex,
  term as toTerm,
  type LogIndex,
  type NodeId,
  type Term,
} from '../shared/brand.js';
import { decodeConfChange, encodeConfChange } from './codec.js';
import { validateRaftConfig } from './config.js';
import { isWellFormed, makeMessage } from './message.js';
import { Raft } from './raft.js';
import { bcastAppend, sendTimeoutNow } from './replicate.js';
import { handleReadIndex, maybeCommit, pendingReads, READS_PENDING_MAX } from './step-leader.js';
import {
  NO_NODE,
  RaftError,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type Progress,
  type RaftConfig,
  type RaftCore,
  type Ready,
  type SoftState,
  type Status,
} from './types.js';

/** A learner may be promoted only when its match is within this many entries of our last index. */
export const LEARNER_CATCH_UP_ENTRIES = 64;

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

export class RaftNode implements RaftCore {
  private readonly r: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;

  constructor(config: RaftConfig) {
    this.r = new Raft(validateRaftConfig(config));
    this.prevSoft = this.softState();
    this.prevHard = this.hardState();
  }

  tick(): void {
    this.r.tick();
  }

  /** Messages dropped as misrouted (other group or node) or malformed; for host metrics. */
  droppedMessages = 0;

  step(message: Message): void {
    // A routing slip of the host or a corrupt message is dropped, never asserted on.
    if (message.group !== this.r.cfg.group || message.to !== this.r.id || !isWellFormed(message)) {
      this.droppedMessages++;
      return;
    }
    this.r.step(message);
  }

  propose(data: Uint8Array): void {
    const r = this.r;
    this.checkCanPropose();
    const bytes = data.byteLength;
    // etcd: an entry is always admitted when nothing is uncommitted, so huge entries progress.
    if (r.uncommittedBytes > 0 && r.uncommittedBytes + bytes > r.cfg.maxUncommittedBytes) {
      throw new RaftError(
        'uncommittedBytesExceeded',
        `uncommitted bytes would exceed ${r.cfg.maxUncommittedBytes}`,
      );
    }
    const index = r.log.lastIndex() + 1;
    r.log.appendOne({ term: r.term as Term, index: index as LogIndex, type: 'normal', data });
    r.uncommittedBytes += bytes;
    r.needBroadcast = true;
  }

  private checkCanPropose(): void {
    const r = this.r;
    if (r.role !== 'leader')
      throw new RaftError('notLeader', `node ${r.id} is not the leader (leader ${r.lead})`);
    if (r.leadTransferee !== NO_NODE) {
      throw new RaftError('transferInProgress', `leadership is moving to node ${r.leadTransferee}`);
    }
    if (!r.tracker.progress.has(r.id))
      throw new RaftError('proposalDropped', 'this leader was removed');
  }

  proposeConfChange(change: ConfChange): void {
    const r = this.r;
    this.checkCanPropose();
    // Thesis §4.1: one change at a time; a new leader first commits (and applies) its no-op.
    if (r.pendingConfIndex > r.log.applied || !r.committedEntryInCurrentTerm()) {
      throw new RaftError('confChangeInProgress', 'a membership change is still being applied');
    }
    this.validateConfChange(change);
    const data = encodeConfChange(change);
    const index = r.log.lastIndex() + 1;
    r.log.appendOne({ term: r.term as Term, index: index as LogIndex, type: 'confChange', data });
    r.uncommittedBytes += data.byteLength;
    r.pendingConfIndex = index;
    r.needBroadcast = true;
  }

  private validateConfChange(cc: ConfChange): void {
    const t = this.r.tracker;
    const id = cc.node;
    const bad = (why: string): never => {
      throw new RaftError('invalidConfig', `conf change ${cc.type} ${id}: ${why}`);
    };
    switch (cc.type) {
      case 'addLearner':
        if (t.isVoter(id) || t.isLearner(id)) bad('already a member');
        return;
      case 'promote': {
        if (!t.isLearner(id)) bad('not a learner');
        const match = t.progress.get(id)?.match ?? 0;
        if (match + LEARNER_CATCH_UP_ENTRIES < this.r.log.lastIndex()) {
          throw new RaftError(
            'learnerNotCaughtUp',
            `learner ${id} is at ${match}, leader at ${this.r.log.lastIndex()}`,
          );
        }
        return;
      }
      case 'removeNode':
        if (!t.isVoter(id) && !t.isLearner(id)) bad('not a member');
        if (t.isVoter(id) && t.voters.length === 1) bad('cannot remove the last voter');
        return;
    }
  }

  /**
   * Thesis §6.4. The answer comes as a Ready.readStates entry with the same context (use a
   * unique context per request: a duplicate pending context is ignored). Throws
   * RaftError('notLeader') when no leader is known and RaftError('unavailable') when too many
   * reads are pending. Reads pending when leadership changes are dropped: the host times out.
   */
  readIndex(context: Uint8Array): void {
    const r = this.r;
    if (r.role === 'leader') {
      if (pendingReads(r) >= READS_PENDING_MAX) {
        throw new RaftError('unavailable', `${READS_PENDING_MAX} reads already pending`);
      }
      handleReadIndex(r, makeMessage(r.cfg.group, 'readIndex', r.id, r.id, 0, { context }));
    } else if (r.lead !== NO_NODE) {
      // Forwarded without a term (etcd): the leader answers with readIndexResponse.
      r.send('readIndex', r.lead, { term: 0, context });
    } else {
      throw new RaftError('notLeader', `node ${r.id} knows no leader`);
    }
  }

  transferLeadership(to: NodeId): void {
    const r = this.r;
    if (r.role !== 'leader') throw new RaftError('notLeader', `node ${r.id} is not the leader`);
    if (to === r.id || to === r.leadTransferee) return;
    const pr = r.tracker.progress.get(to);
    if (pr === undefined || pr.learner)
      throw new RaftError('unavailable', `node ${to} is not a voter`);
    r.abortLeaderTransfer();
    r.leadTransferee = to;
    r.electionElapsed = 0; // the transfer is abandoned after one election timeout
    if (pr.match === r.log.lastIndex()) sendTimeoutNow(r, to);
    else r.needBroadcast = true;
  }

  campaign(): void {
    this.r.hup(false);
  }

  reportUnreachable(node: NodeId): void {
    const pr = this.r.tracker.progress.get(node);
    if (this.r.role === 'leader' && pr !== undefined && pr.state === 'replicate') pr.becomeProbe();
  }

  /** The host applied a committed confChange entry (etcd style: effective when applied). */
  applyConfChange(change: ConfChange): ConfState {
    const r = this.r;
    r.tracker.applyChange(change, r.log.lastIndex() + 1);
    if (r.role === 'leader') {
      if (!r.tracker.isVoter(r.id)) {
        // Thesis §4.2.2: a removed leader steps down once the change is committed; tell the
        // others the commit first so they apply it without waiting for a new leader.
        bcastAppend(r, true);
        r.becomeFollower(r.term, NO_NODE);
      } else {
        maybeCommit(r); // the quorum may have shrunk
        r.needBroadcast = true;
        if (r.leadTransferee !== NO_NODE && !r.tracker.isVoter(r.leadTransferee))
          r.abortLeaderTransfer();
      }
    }
    return r.tracker.confState();
  }

  /** Decodes a confChange entry's data (convenience for hosts). */
  static decodeConfChange(entry: Entry): ConfChange {
    assert(entry.type === 'confChange', 'not a confChange entry');
    return decodeConfChange(entry.data);
  }

  private softState(): SoftState {
    return { leader: this.r.lead, role: this.r.role };
  }

  private hardState(): HardState {
    const r = this.r;
    // Mutation: the vote is kept in memory but never reaches the disk.
    const vote = r.mutation('forgetVotePersist') ? NO_NODE : r.vote;
    return { term: toTerm(r.term), vote, commit: logIndex(r.log.committed) };
  }

  hasReady(): boolean {
    const r = this.r;
    if (r.role === 'leader' && r.needBroadcast) bcastAppend(r);
    const log = r.log;
    if (r.msgs.length > 0 || r.readStates.length > 0 || log.hasUnstableEntries()) return true;
    if (log.unstableSnapshot !== undefined && !log.snapshotInProgress) return true;
    if (log.hasNextCommittedEntries()) return true;
    const soft = this.prevSoft;
    if (soft.leader !== r.lead || soft.role !== r.role) return true;
    const hard = this.prevHard;
    const vote = r.mutation('forgetVotePersist') ? NO_NODE : r.vote;
    return hard.term !== r.term || hard.vote !== vote || hard.commit !== log.committed;
  }

  ready(): Ready {
    const r = this.r;
    const log = r.log;
    if (r.role === 'leader' && r.needBroadcast) bcastAppend(r);
    const soft = this.softState();
    const softChanged = soft.leader !== this.prevSoft.leader || soft.role !== this.prevSoft.role;
    const hard = this.hardState();
    const prev = this.prevHard;
    const hardChanged =
      hard.term !== prev.term || hard.vote !== prev.vote || hard.commit !== prev.commit;
    const entries = log.hasUnstableEntries() ? log.takeUnstableEntries() : NO_ENTRIES;
    let snapshot = undefined;
    if (log.unstableSnapshot !== undefined && !log.snapshotInProgress) {
      snapshot = log.unstableSnapshot;
      log.snapshotInProgress = true;
    }
    let committedEntries = NO_ENTRIES;
    if (log.hasNextCommittedEntries()) {
      committedEntries = log.nextCommittedEntries(r.cfg.maxUncommittedBytes);
      const last = committedEntries[committedEntries.length - 1];
      if (last !== undefined) log.applying = last.index;
    }
    const messages = r.msgs;
    r.msgs = [];
    const readStates = r.readStates;
    r.readStates = [];
    const mustSync =
      entries.length > 0 ||
      snapshot !== undefined ||
      hard.term !== prev.term ||
      hard.vote !== prev.vote;
    if (softChanged) this.prevSoft = soft;
    if (hardChanged) this.prevHard = hard;
    return {
      softState: softChanged ? soft : undefined,
      hardState: hardChanged ? hard : undefined,
      entries,
      snapshot,
      committedEntries,
      messages,
      readStates,
      mustSync,
    };
  }

  advance(ready: Ready): void {
    const r = this.r;
    const log = r.log;
    if (ready.snapshot !== undefined) {
      const index = ready.snapshot.meta.index;
      log.stableSnapTo(index);
      if (index > log.applied) log.applied = index;
    }
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry !== undefined) log.stableTo(lastEntry.index, lastEntry.term);
    const lastApplied = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastApplied !== undefined) {
      log.appliedTo(lastApplied.index);
      if (r.role === 'leader') this.releaseUncommitted(ready.committedEntries);
    }
    if (r.role !== 'leader') return;
    // Thesis §10.2.1: the leader counts its own entries only once they are durable.
    const self = r.tracker.progress.get(r.id);
    if (self !== undefined && self.maybeUpdate(log.persisted)) maybeCommit(r);
  }

  private releaseUncommitted(entries: readonly Entry[]): void {
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) bytes += (entries[i] as Entry).data.byteLength;
    this.r.uncommittedBytes = Math.max(0, this.r.uncommittedBytes - bytes);
  }

  status(): Status {
    const r = this.r;
    const progress = new Map<NodeId, Progress>();
    if (r.role === 'leader') {
      for (const [id, pr] of r.tracker.progress) {
        progress.set(id, {
          match: logIndex(pr.match),
          next: logIndex(pr.next),
          state: pr.state,
          learner: pr.learner,
        });
      }
    }
    return {
      id: r.id,
      group: r.cfg.group,
      role: r.role,
      leader: r.lead,
      term: toTerm(r.term),
      commit: logIndex(r.log.committed),
      applied: logIndex(r.log.applied),
      lastIndex: logIndex(r.log.lastIndex()),
      conf: r.tracker.confState(),
      progress,
    };
  }
}
