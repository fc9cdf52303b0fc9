/**
 * The contract of the Raft core (src/raft): its messages, log entries, persistent state and the
 * Ready/advance hand-off to the host. The core is a pure, synchronous state machine in the style
 * of etcd-io/raft: it does no I/O, reads no clock and no global randomness.
 *
 * Adding fields is fine; renaming or changing the meaning of one breaks the simulator
 * (test/sim) and the replication host (src/replication), which are written against this file.
 */
import type { Rng } from '../shared/effects.js';
import type { GroupId, LogIndex, NodeId, Term } from '../shared/brand.js';
import type { ByteSource } from '../shared/byte-source.js';

export type { GroupId, LogIndex, NodeId, Term };

/** `none` (0) is never a real node id. */
export const NO_NODE = 0 as NodeId;

export type EntryType = 'normal' | 'noop' | 'confChange';

export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  /** Opaque to the core for `normal`; an encoded ConfChange for `confChange`; empty for `noop`. */
  readonly data: Uint8Array;
}

/** State that must be durable before any message that depends on it is sent (Raft Figure 2). */
export interface HardState {
  readonly term: Term;
  readonly vote: NodeId;
  readonly commit: LogIndex;
}

/** The membership at some log position. Learners receive the log but never vote. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export type ConfChangeType = 'addLearner' | 'promote' | 'removeNode';

/**
 * One membership change at a time (Raft thesis §4.1): a new node joins as a learner, is
 * promoted to voter once it has caught up, and is removed with `removeNode`.
 */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly node: NodeId;
  /** Opaque to the core; the host stores the node's address here. */
  readonly context: Uint8Array;
}

export interface SnapshotMeta {
  readonly index: LogIndex;
  readonly term: Term;
  readonly conf: ConfState;
}

/**
 * A snapshot's bytes as the core reads them: their size and a range (to send in chunks). A
 * Uint8Array is one; the host may hand in bytes that live in a file instead
 * (replication/snapshot-file-data.ts), so that a large image is not held in memory twice.
 */
export type SnapshotData = ByteSource;

/** All of a snapshot's bytes as one array (a read of the whole file for file-backed bytes). */
export function snapshotBytes(data: SnapshotData): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray(0, data.byteLength);
}

/**
 * Puts together a snapshot a follower receives in chunks. Called from step(), so synchronously:
 * the core stays free of I/O of its own, but a host's receiver may write what it is handed (a
 * file next to the log), so that catching up never holds the whole image in memory.
 */
export interface SnapshotReceiver {
  /** A snapshot of `totalBytes` starts arriving, at offset 0. */
  begin(meta: SnapshotMeta, totalBytes: number): SnapshotSink;
}

/** One snapshot being received: bytes arrive in order, then exactly one of finish or abort. */
export interface SnapshotSink {
  /**
   * The next bytes: a received message's, which nothing changes afterwards. False if the sink
   * could not keep them (a failed write): the caller then aborts it and refuses the snapshot
   * at once, rather than taking the rest of a transfer it cannot complete.
   */
  append(bytes: Uint8Array): boolean;
  /**
   * Every byte arrived: the snapshot's data, or undefined if the sink could not keep them (a
   * failed write); the follower then refuses the snapshot and the leader sends it again later.
   */
  finish(): SnapshotData | undefined;
  /** The snapshot will not be completed (another one replaced it, or it is not needed). */
  abort(): void;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** The state machine image; opaque to the core. */
  readonly data: SnapshotData;
}

export type MessageType =
  | 'append'
  | 'appendResponse'
  | 'heartbeat'
  | 'heartbeatResponse'
  | 'preVote'
  | 'preVoteResponse'
  | 'vote'
  | 'voteResponse'
  | 'snapshotChunk'
  | 'snapshotResponse'
  | 'timeoutNow'
  | 'readIndex'
  | 'readIndexResponse';

/**
 * One message between two cores of the same group. Fields not used by a type are zero/empty.
 * Field meanings follow etcd's raftpb.Message.
 */
export interface Message {
  readonly group: GroupId;
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** 0 on a `readIndex` a follower forwards to its leader (etcd: it is not term-checked). */
  readonly term: Term;
  /** append: index of the entry before `entries`; vote: candidate's last index; responses: the index acknowledged. */
  readonly index: LogIndex;
  /** append: term of the entry at `index`; vote: candidate's last term. */
  readonly logTerm: Term;
  readonly entries: readonly Entry[];
  readonly commit: LogIndex;
  readonly reject: boolean;
  /** appendResponse when rejecting: a hint for fast backtracking (Raft §5.3 optimisation). */
  readonly rejectHint: LogIndex;
  /** hint term for fast backtracking (the follower's term at rejectHint). */
  readonly rejectHintTerm: Term;
  /** readIndex/heartbeat: the read request context echoed back. */
  readonly context: Uint8Array;
  /**
   * snapshotChunk: the snapshot being sent, its total size, this chunk's offset and bytes.
   * snapshotResponse: the same meta and totalBytes, `offset` = the next byte the follower needs
   * (the leader resumes there), empty `data`; `reject` when the follower gave up on it.
   * (A completely installed snapshot is acknowledged with an appendResponse instead.)
   */
  readonly snapshot?: SnapshotChunk;
}

export interface SnapshotChunk {
  readonly meta: SnapshotMeta;
  readonly totalBytes: number;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A ReadIndex request that may now be served: once applied >= index, reads are linearizable. */
export interface ReadState {
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/**
 * What the host must do, in this order (Raft Figure 2, thesis §10.2.1):
 * 1. Persist `snapshot` (if any), then `entries` and `hardState` durably (one fsync).
 *    A leader may send `messages` in parallel with this write: it counts its own entries as
 *    replicated only after `advance()`. A follower or candidate must not send before it
 *    completes, because its votes and acknowledgements promise durability.
 * 2. Send `messages`.
 * 3. Apply `snapshot` to the state machine, then `committedEntries` in order.
 * 4. Serve each `readStates` request once the applied index reaches its index.
 * 5. Call `advance(ready)`.
 */
export interface Ready {
  readonly softState: SoftState | undefined;
  readonly hardState: HardState | undefined;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | undefined;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /** False when nothing in this Ready needs an fsync (only commit index moved, say). */
  readonly mustSync: boolean;
}

/**
 * The core's read-only view of the durable log (etcd's Storage). The host keeps it in step
 * with what it has persisted: it appends `Ready.entries` and installs `Ready.snapshot` here
 * before calling `advance()`.
 */
export interface RaftStorage {
  initialState(): { hardState: HardState; conf: ConfState };
  /** Entries in [lo, hi), at least one if any, at most `bytesMax` in total. Throws `RaftError('compacted')` below firstIndex. */
  entries(lo: LogIndex, hi: LogIndex, bytesMax: number): readonly Entry[];
  /** Term of the entry at `index`, for index in [firstIndex - 1, lastIndex]. */
  term(index: LogIndex): Term;
  firstIndex(): LogIndex;
  lastIndex(): LogIndex;
  snapshot(): Snapshot;
}

export type ReadOnlyMode = 'safe' | 'lease';

export interface RaftConfig {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly storage: RaftStorage;
  /** The index up to which the state machine has applied, on restart. */
  readonly applied: LogIndex;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Election timeouts are drawn from [electionTicks, 2 * electionTicks) with this. */
  readonly rng: Rng;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** 'lease' requires checkQuorum (rejected otherwise). */
  readonly readOnly: ReadOnlyMode;
  readonly maxMessageBytes: number;
  readonly maxInflightMessages: number;
  readonly maxInflightBytes: number;
  readonly maxUncommittedBytes: number;
  readonly snapshotChunkBytes: number;
  /**
   * Where a snapshot received in chunks is put together (memoryReceiver when absent: the
   * chunks are kept in memory). A host passes one that spools them to a file.
   */
  readonly snapshotReceiver?: SnapshotReceiver;
  /**
   * Deliberate bugs for mutation tests only: the simulator must catch each of them.
   * Never set outside tests.
   */
  readonly mutations?: Partial<Record<RaftMutation, boolean>>;
}

export type RaftMutation =
  | 'skipNoopOnElection'
  | 'commitOldTermByCounting'
  | 'forgetVotePersist'
  | 'readIndexWithoutHeartbeat'
  | 'grantVoteWithoutLogCheck'
  | 'loneVoterReadsAtOnce';

export type RaftErrorCode =
  | 'proposalDropped'
  | 'notLeader'
  | 'uncommittedBytesExceeded'
  | 'transferInProgress'
  | 'confChangeInProgress'
  | 'learnerNotCaughtUp'
  | 'compacted'
  | 'unavailable'
  | 'invalidConfig';

/** Operating errors of the core (not bugs): the host maps them to client replies. */
export class RaftError extends Error {
  override readonly name = 'RaftError';
  constructor(
    readonly code: RaftErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

export interface Progress {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly learner: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly role: Role;
  readonly leader: NodeId;
  readonly term: Term;
  readonly commit: LogIndex;
  readonly applied: LogIndex;
  readonly lastIndex: LogIndex;
  readonly conf: ConfState;
  /** Only on the leader. */
  readonly progress: ReadonlyMap<NodeId, Progress>;
}

/** The core's public surface; `RaftNode` in src/raft/node.ts implements it. */
export interface RaftCore {
  tick(): void;
  step(message: Message): void;
  /** Throws RaftError('notLeader' | 'uncommittedBytesExceeded' | 'transferInProgress'). */
  propose(data: Uint8Array): void;
  /** Throws RaftError('confChangeInProgress' | 'learnerNotCaughtUp' | ...). */
  proposeConfChange(change: ConfChange): void;
  /** Requests a linearizable read point; answered through Ready.readStates with the same context. */
  readIndex(context: Uint8Array): void;
  transferLeadership(to: NodeId): void;
  /** Starts an election now (tests, and a single node that should lead at once). */
  campaign(): void;
  hasReady(): boolean;
  ready(): Ready;
  advance(ready: Ready): void;
  /** The host applied a committed confChange entry; returns the new membership. */
  applyConfChange(change: ConfChange): ConfState;
  reportUnreachable(node: NodeId): void;
  status(): Status;
}
