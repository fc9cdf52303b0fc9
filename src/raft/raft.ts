/**
 * The Raft state machine proper (etcd's `raft` struct): roles, terms, votes, elections and the
 * role-independent part of step(). Role behaviour lives in step-leader.ts / step-follower.ts and
 * is dispatched by table (`stepFn`, `tickFn`); sending lives in replicate.ts; the Ready/advance
 * hand-off lives in node.ts. Raft paper sections are cited where a rule is implemented.
 */
import { assert } from '../shared/assert.js';
import type { NodeId } from '../shared/brand.js';
import { RaftLog } from './log.js';
import {
  CAMPAIGN_TRANSFER,
  EMPTY_BYTES,
  isTransferCampaign,
  makeMessage,
  responseTypeOf,
  type MessageFields,
} from './message.js';
import { ProgressTracker } from './progress.js';
import { ReadOnly } from './read-only.js';
import { memoryReceiver } from './snapshot-receiver.js';
import { bcastHeartbeat } from './replicate.js';
import { stepLeader, tickLeader } from './step-leader.js';
import { stepCandidate, stepFollower, tickElection } from './step-follower.js';
import {
  NO_NODE,
  type Entry,
  type Message,
  type MessageType,
  type RaftConfig,
  type RaftMutation,
  type ReadState,
  type Role,
  type SnapshotReceiver,
  type SnapshotSink,
} from './types.js';

export type StepFn = (r: Raft, m: Message) => void;
export type TickFn = (r: Raft) => void;

/** An InstallSnapshot being received in chunks (resumable: we answer the next offset we need). */
export interface SnapshotAssembly {
  readonly index: number;
  readonly term: number;
  readonly totalBytes: number;
  /** Holds the bytes received so far (RaftConfig.snapshotReceiver). */
  readonly sink: SnapshotSink;
  received: number;
}

export class Raft {
  readonly id: NodeId;
  readonly cfg: RaftConfig;
  term = 0;
  vote: NodeId = NO_NODE;
  lead: NodeId = NO_NODE;
  role: Role = 'follower';
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly votes = new Map<NodeId, boolean>();
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  readOnly = new ReadOnly();
  /** Acknowledgements of ReadIndex rounds counted towards their quorum (ProgressState.readAck). */
  readAcks = 0;
  /** ReadIndex requests that arrived before the leader committed an entry of its term. */
  pendingReadIndex: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NO_NODE;
  /** Index of the last conf change proposed by this leader (one at a time, thesis §4.1). */
  pendingConfIndex = 0;
  uncommittedBytes = 0;
  /** Leader: appends may be due (new entries, acks, commit); flushed once per Ready (batching). */
  needBroadcast = false;
  snapshotAssembly: SnapshotAssembly | undefined = undefined;
  readonly snapshotReceiver: SnapshotReceiver;
  stepFn: StepFn = stepFollower;
  tickFn: TickFn = tickElection;

  constructor(cfg: RaftConfig) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.snapshotReceiver = cfg.snapshotReceiver ?? memoryReceiver;
    const { hardState, conf } = cfg.storage.initialState();
    // The snapshot index is committed by definition, whatever the hard state says.
    const commit = Math.max(hardState.commit, cfg.storage.firstIndex() - 1);
    this.log = new RaftLog(cfg.storage, commit, cfg.applied);
    this.tracker = new ProgressTracker(cfg.maxInflightMessages, cfg.maxInflightBytes);
    this.tracker.setConf(conf, this.log.lastIndex() + 1);
    this.becomeFollower(hardState.term, NO_NODE);
    this.vote = hardState.vote;
  }

  mutation(name: RaftMutation): boolean {
    return this.cfg.mutations?.[name] === true;
  }

  send(type: MessageType, to: NodeId, f: MessageFields): void {
    this.msgs.push(makeMessage(this.cfg.group, type, this.id, to, this.term, f));
  }

  /** Only voters campaign; a removed node or a learner never does. */
  promotable(): boolean {
    return this.tracker.isVoter(this.id);
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.termAt(this.log.committed) === this.term;
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NO_NODE;
    }
    this.lead = NO_NODE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout =
      this.cfg.electionTicks + this.cfg.rng.int(this.cfg.electionTicks);
    this.leadTransferee = NO_NODE;
    this.votes.clear();
    this.tracker.resetAll(this.log.lastIndex() + 1);
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) self.match = this.log.persisted;
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndex = [];
    this.needBroadcast = false;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.tickFn = tickElection;
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become pre-candidate');
    // Raft thesis §9.6: a pre-vote does not change term or vote.
    this.stepFn = stepCandidate;
    this.tickFn = tickElection;
    this.votes.clear();
    this.lead = NO_NODE;
    this.role = 'preCandidate';
  }

  becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become candidate');
    // Raft §5.2: increment the term and vote for self.
    this.stepFn = stepCandidate;
    this.tickFn = tickElection;
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomeLeader(): void {
    if (this.role !== 'candidate')
      assert(false, `only a candidate becomes leader (was ${this.role})`);
    this.stepFn = stepLeader;
    this.tickFn = tickLeader;
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    // A leader receives no snapshot: one half received as a follower is released (its file).
    this.snapshotAssembly?.sink.abort();
    this.snapshotAssembly = undefined;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) self.becomeReplicate();
    // No conf change until everything before this term is applied (thesis §4.1, etcd).
    this.pendingConfIndex = this.log.lastIndex();
    // Raft §8 / RedisRaft #19: a no-op of the new term lets the leader learn the commit index.
    if (!this.mutation('skipNoopOnElection')) {
      const noop: Entry = {
        term: this.term as Entry['term'],
        index: (this.log.lastIndex() + 1) as Entry['index'],
        type: 'noop',
        data: EMPTY_BYTES,
      };
      this.log.appendOne(noop);
    }
    this.needBroadcast = true;
  }

  /** Starts an election (a pre-vote first, unless `transfer`: TimeoutNow skips it). */
  hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable()) return;
    // A committed but unapplied conf change may remove us: wait until it is applied (etcd).
    if (this.hasUnappliedConfChange()) return;
    if (this.cfg.preVote && !transfer) this.campaign('preVote', false);
    else this.campaign('vote', transfer);
  }

  private hasUnappliedConfChange(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const entries = this.log.slice(
      this.log.applied + 1,
      this.log.committed + 1,
      Number.MAX_SAFE_INTEGER,
    );
    for (const e of entries) if (e.type === 'confChange') return true;
    return false;
  }

  campaign(type: 'vote' | 'preVote', transfer: boolean): void {
    if (type === 'preVote') this.becomePreCandidate();
    else this.becomeCandidate();
    const voteTerm = type === 'preVote' ? this.term + 1 : this.term;
    if (this.poll(this.id, true) === 'won') {
      if (type === 'preVote') this.campaign('vote', transfer);
      else this.becomeLeader();
      return;
    }
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    const context = transfer ? CAMPAIGN_TRANSFER : EMPTY_BYTES;
    for (const id of this.tracker.voters) {
      if (id !== this.id) this.send(type, id, { term: voteTerm, index, logTerm, context });
    }
  }

  poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return this.tracker.voteResult(this.votes);
  }

  step(m: Message): void {
    if (m.term === 0) {
      // Term-less: a ReadIndex forwarded by a follower (etcd treats it as local).
      if (m.type === 'readIndex') this.stepFn(this, m);
      return;
    }
    if (m.term > this.term && !this.stepHigherTerm(m)) return;
    if (m.term < this.term) {
      this.stepLowerTerm(m);
      return;
    }
    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVoteRequest(m);
      return;
    }
    this.stepFn(this, m);
  }

  /** Raft §5.1 with pre-vote and the check-quorum lease (thesis §9.6); false drops `m`. */
  private stepHigherTerm(m: Message): boolean {
    if (m.type === 'vote' || m.type === 'preVote') {
      const inLease =
        this.cfg.checkQuorum &&
        this.lead !== NO_NODE &&
        this.electionElapsed < this.cfg.electionTicks;
      // A follower that hears from a live leader ignores disruptive candidates.
      if (inLease && !isTransferCampaign(m)) return false;
    }
    if (m.type === 'preVote') return true; // a pre-vote never changes our term
    if (m.type === 'preVoteResponse' && !m.reject) return true; // granted for a future term
    const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshotChunk';
    this.becomeFollower(m.term, fromLeader ? m.from : NO_NODE);
    return true;
  }

  private stepLowerTerm(m: Message): void {
    if (
      (this.cfg.checkQuorum || this.cfg.preVote) &&
      (m.type === 'append' || m.type === 'heartbeat')
    ) {
      // Tell a stale leader about the new term so it steps down (etcd: otherwise a partitioned
      // node with pre-vote could never disrupt it and it would never learn).
      this.send('appendResponse', m.from, {});
    } else if (m.type === 'preVote') {
      this.send('preVoteResponse', m.from, { reject: true });
    }
  }

  /** Raft §5.2, §5.4.1: one vote per term, only for a log at least as up-to-date as ours. */
  private handleVoteRequest(m: Message): void {
    const type = m.type === 'vote' ? 'vote' : 'preVote';
    const canVote =
      this.vote === m.from ||
      (this.vote === NO_NODE && this.lead === NO_NODE) ||
      (type === 'preVote' && m.term > this.term);
    const upToDate =
      this.mutation('grantVoteWithoutLogCheck') || this.log.isUpToDate(m.index, m.logTerm);
    const responseType = responseTypeOf(type);
    if (canVote && upToDate) {
      this.send(responseType, m.from, { term: m.term });
      if (type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send(responseType, m.from, { reject: true });
    }
  }

  tick(): void {
    this.tickFn(this);
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NO_NODE;
  }

  /** The leader proves it still leads (thesis §6.4): heartbeats carry the latest read context. */
  heartbeatRound(): void {
    bcastHeartbeat(this, this.readOnly.lastContext() ?? EMPTY_BYTES);
  }
}
