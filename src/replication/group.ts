/**
 * One Raft group on this node: drives a RaftNode with real time, disk and network.
 *
 * Every event-loop turn (`run`): propose everything gathered since the last turn (group
 * commit), ask one ReadIndex for all reads gathered (read batching), then take the Ready:
 * a leader sends its messages while its own batch is being fsynced (thesis §10.2.1); others
 * send only after. Committed entries are applied in order and each waiting client is answered
 * with the reply computed at apply time, matched by (index, term). While a batch is being
 * written, new proposals accumulate: the next batch carries all of them with one fsync.
 *
 * Outcomes (errors.ts): a proposal is answered with its reply when its entry is applied; with
 * `-UNKNOWN` when the entry at its index turned out to be another one, or when its leader lost
 * leadership and it was not applied within an election timeout, or after the request timeout.
 * It is never answered as failed after it entered the log.
 */
import type { Reply } from '../commands/reply.js';
import { OK, ErrorReply } from '../commands/reply.js';
import type { DataRequest } from '../commands/executor.js';
import { decodeEntries, encodeEntry, encodeEntryGroup } from '../commands/entry.js';
import { envFor } from '../commands/state-machine.js';
import type { ApplyEnv } from '../store/keyspace.js';
import type { SnapshotChunks } from '../store/snapshot.js';
import { RaftNode } from '../raft/node.js';
import { MemoryStorage } from '../raft/storage.js';
import { defaultRaftConfig } from '../raft/config.js';
import { decodeConfChange } from '../raft/codec.js';
import {
  NO_NODE,
  RaftError,
  type ConfChange,
  type Entry,
  type GroupId,
  type HardState,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type Role,
  type Snapshot,
  type SnapshotData,
} from '../raft/types.js';
import { logIndex, term } from '../shared/brand.js';
import type { Clock, Rng } from '../shared/effects.js';
import type { LevelLogStore } from './log-store.js';
import type { ReplicationMetrics } from './replication-metrics.js';
import {
  snapshotHead,
  unframeSnapshot,
  encodeBook,
  decodeBook,
  type AddressBook,
} from './snapshot-frame.js';
import {
  CLUSTERDOWN,
  NOT_LEADER,
  NOT_LEADER_TEXT,
  READ_TIMEOUT,
  TRYAGAIN_BUSY,
  moved,
  unknownOutcome,
} from './errors.js';
import { decodeReply, encodeReply } from '../commands/reply-codec.js';
import { stepInTurns } from './turns.js';
import {
  messageToWire,
  requestFromWire,
  requestToWire,
  type WireRequest,
  type WireResponse,
} from './wire.js';

/** What the group needs of the state machine (src/commands/state-machine.ts StateMachine). */
export interface Applier {
  apply(request: DataRequest, env: ApplyEnv): Reply;
  /**
   * The state as a snapshot after `prefix`, captured when called (cheaply) and encoded in
   * chunks of about `chunkBytes` (each valid until the next step), with pauses (`undefined`)
   * where the caller can let the event loop run. Returns the size and CRC-32 of all chunks.
   */
  snapshotChunks(prefix: Uint8Array, chunkBytes: number): SnapshotChunks;
  /** Bytes held in memory, or read from a file on demand (a window at a time). */
  restoreSnapshot(image: SnapshotData): void;
  /** restoreSnapshot in steps (one per event-loop turn); installs at the last one. */
  restoreSnapshotSteps(image: SnapshotData, sliceBytes: number): Generator<void, void, undefined>;
  expiredKeys(nowMs: number, max: number): string[];
}

/** What the group needs of the network (transport.ts PeerTransport; absent on a lone node). */
export interface Network {
  sendMessage(to: NodeId, m: ReturnType<typeof messageToWire>): void;
  sendRequest(to: NodeId, r: WireRequest): void;
  sendResponse(to: NodeId, r: WireResponse): void;
  connect(peer: NodeId, address: string): void;
  disconnect(peer: NodeId): void;
  /** Where clients reach a peer, learned from its Hello. */
  respAddressOf(peer: NodeId): string | undefined;
}

export interface GroupOptions {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly log: LevelLogStore;
  readonly applier: Applier;
  readonly network: Network | undefined;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly metrics: ReplicationMetrics;
  /** Initial members (id -> peer address) for a brand-new cluster; empty to join one. */
  readonly bootstrap: AddressBook;
  /** A joining node: peers to dial until membership (from the leader) names them all. */
  readonly seeds: AddressBook;
  /**
   * Node-local routes: where this node dials these peers instead of the address in the book.
   * The book is replicated (conf changes, snapshots) and so the same on every node; a route is
   * one node's own view of the network (NAT, a proxy per link) and is never replicated.
   */
  readonly routes: AddressBook;
  readonly tickMs: number;
  readonly electionTicks: number;
  /** Take a snapshot when this many entries were applied since the last one. */
  readonly snapshotEntries: number;
  /** Entries kept behind a snapshot for followers that lag a little... */
  readonly trailingEntries: number;
  /** ...but no more than this many bytes of them. */
  readonly trailingBytes: number;
  /** Followers: forward to the leader, or answer -MOVED. */
  readonly redirect: 'forward' | 'moved';
  /** Longest a client waits for a write's outcome, a read, or a leader. */
  readonly requestTimeoutMs: number;
  readonly logger: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** For tests: overrides of the core's config. */
  readonly raftConfig?: Partial<RaftConfig>;
}

interface Waiter {
  readonly resolve: (r: Reply) => void;
  deadlineMs: number;
  readonly startedMs: number;
}
interface Proposal extends Waiter {
  readonly term: number;
  /**
   * A group entry: its requests' waiters, in order, each answered with its own reply. The
   * proposal's own `resolve` answers them all alike (an unknown outcome).
   */
  readonly members?: readonly Waiter[];
}
interface Pending {
  readonly request: DataRequest;
  readonly waiter: Waiter;
}
/** A write gathered for the next proposal: its version-1 entry and who waits for it. */
interface Gathered {
  readonly data: Uint8Array;
  readonly waiter: Waiter;
  readonly reroute: () => void;
}
interface ReadBatch {
  readonly reads: Pending[];
  index: number;
  readonly askedMs: number;
}

const EXPIRY_KEYS_PER_TICK = 64;
/**
 * Requests gathered in one turn share log entries, up to this many requests or bytes per
 * entry: the log, the peers and the disks then handle one entry where there were many (a
 * request's own time, client session and reply stay its own).
 */
const GROUP_REQUESTS_MAX = 64;
const GROUP_BYTES_MAX = 256 * 1024;
/** Readies being written at once; more wait in the core (and join one batch when they go). */
const PERSISTS_IN_FLIGHT = 8;
/** Snapshot encoding work per event-loop turn (about 5 ms of encoding). */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
/** A read context: the node's tag (RaftGroup.readTag, 12 bytes), then the round's number. */
const READ_CONTEXT_BYTES = 20;
/** Log bytes applied since the last snapshot that trigger the next one. */
const SNAPSHOT_LOG_BYTES = 64 * 1024 * 1024;
/** A log of this many times snapshotEntries entries is snapshotted however large the state. */
const SNAPSHOT_ENTRIES_CAP = 10;
/** A learner this close to the leader's last index is promoted (the core allows 64). */
const PROMOTE_WITHIN_ENTRIES = 32;

/**
 * When to snapshot. By entry count, or by bytes (a few huge tensors make a long log in few
 * entries); but a snapshot re-encodes the whole state, so a large state waits until the log
 * since the last snapshot is half that snapshot's size: the encoding cost stays proportional
 * to the bytes written (Redis rewrites its AOF when it has grown by 100%). The log is held in
 * memory, so SNAPSHOT_ENTRIES_CAP bounds the wait in entries.
 */
export function snapshotDue(
  log: { readonly entries: number; readonly bytes: number },
  lastSnapshotBytes: number,
  snapshotEntries: number,
): boolean {
  if (log.entries <= 0) return false;
  if (log.entries < snapshotEntries && log.bytes < SNAPSHOT_LOG_BYTES) return false;
  return (
    log.bytes * 2 >= lastSnapshotBytes || log.entries >= snapshotEntries * SNAPSHOT_ENTRIES_CAP
  );
}

export class RaftGroup {
  readonly id: NodeId;
  readonly group: GroupId;
  private readonly o: GroupOptions;
  /** Members' peer addresses, replicated through conf changes and snapshots. */
  readonly book: AddressBook = new Map();

  role: Role = 'follower';
  leader: NodeId = NO_NODE;
  term = 0;
  applied = 0;
  /** First index of our term as leader: reads are safe once it is applied (its no-op). */
  private termStart = Number.MAX_SAFE_INTEGER;
  private voters = 0;
  private lastNowMs = 0;
  private persistedHard: HardState | undefined;
  /** The latest hard state handed out in a Ready (durable or on its way). */
  private issuedHard: HardState | undefined;
  /**
   * A hard state whose only news is the commit index, not written yet: it rides with the next
   * batch instead of costing a write (a thread-pool round trip) of its own. Raft needs no
   * durable commit index; a restart takes max(stored, snapshot) and learns the rest again.
   */
  private unwrittenHard: HardState | undefined;

  private scheduled = false;
  /** Readies handed to the log store and not finished yet. */
  private persistsInFlight = 0;
  private snapshotInFlight = false;
  /** A snapshot from the leader being decoded over several turns: no Ready is taken meanwhile. */
  private installing = false;
  private snapshotting = false;
  private stopped = false;
  private fatal: Error | undefined;
  private ticker: NodeJS.Timeout | undefined;

  /** Gathered this turn; `reroute` runs if they cannot be proposed here (nothing was written). */
  private toPropose: Gathered[] = [];
  private readonly proposals = new Map<number, Proposal>();
  private awaitingLeader: Pending[] = [];
  private toRead: Pending[] = [];
  private readonly readBatches = new Map<number, ReadBatch>();
  private readSeq = 0;
  /**
   * The start of every read context this node asks with: its id and a random number drawn
   * at start. The leader keys pending reads by context, so contexts must differ across nodes
   * and across restarts of one node: two equal ones would make a late acknowledgement of an
   * earlier round count for a later read.
   */
  private readonly readTag = Buffer.allocUnsafe(12);
  private readonly forwarded = new Map<number, Pending>();
  private forwardSeq = 0;
  private sweepInFlight = false;
  private bytesSinceSnapshot = 0;
  /** Keys this node removed by active expiry as leader (INFO stats expired_keys). */
  expiredKeys = 0;

  private constructor(
    options: GroupOptions,
    private readonly storage: MemoryStorage,
    private readonly core: RaftNode,
  ) {
    this.o = options;
    this.id = options.id;
    this.group = options.group;
    this.readTag.writeDoubleBE(options.id, 0);
    this.readTag.writeUInt32BE(options.rng.int(0x1_0000_0000), 8);
  }

  /**
   * Loads the durable state (verifying every record), rebuilds the state machine from the
   * snapshot, and starts ticking; committed entries after the snapshot are re-applied by the
   * core's first Readies. A brand-new node with `bootstrap` members writes the initial
   * membership as a snapshot at index 1, term 1 (as etcd bootstraps), so a restart finds it
   * and, more importantly, so the membership is never implied by an empty log: a node that
   * joins later cannot replay the log from index 1 and miss the original voters; the leader,
   * whose log starts at 2, must bring it up with this (or a later) snapshot, conf included.
   */
  static async open(o: GroupOptions): Promise<RaftGroup> {
    const loaded = await o.log.load(o.group);
    let snapshot = loaded.snapshot;
    const fresh =
      loaded.hardState === undefined && snapshot === undefined && loaded.entries.length === 0;
    if (fresh && o.bootstrap.size > 0) snapshot = await bootstrap(o);
    const init: ConstructorParameters<typeof MemoryStorage>[0] = { entries: [...loaded.entries] };
    if (loaded.hardState !== undefined) init.hardState = loaded.hardState;
    else if (snapshot !== undefined)
      init.hardState = { term: snapshot.meta.term, vote: NO_NODE, commit: snapshot.meta.index };
    if (snapshot !== undefined) init.snapshot = snapshot;
    const storage = new MemoryStorage(init);
    const restored = snapshot === undefined ? undefined : unframeSnapshot(snapshot.data);
    if (restored !== undefined && restored.image.byteLength > 0)
      o.applier.restoreSnapshot(restored.image);
    const applied = snapshot?.meta.index ?? 0;
    const config = {
      ...defaultRaftConfig(o.id, o.group, storage, o.rng, logIndex(applied)),
      electionTicks: o.electionTicks,
      snapshotReceiver: o.log.snapshotReceiver(o.group, (message) => o.logger('warn', message)),
      ...o.raftConfig,
    };
    const g = new RaftGroup(o, storage, new RaftNode(config));
    g.applied = applied;
    g.persistedHard = loaded.hardState;
    g.issuedHard = loaded.hardState;
    for (const [k, v] of o.seeds) if (k !== o.id) g.book.set(k, v);
    for (const [k, v] of restored?.book ?? []) g.book.set(k, v);
    if (loaded.meta !== undefined) for (const [k, v] of decodeBook(loaded.meta)) g.book.set(k, v);
    g.begin();
    return g;
  }

  private begin(): void {
    const st = this.core.status();
    this.voters = st.conf.voters.length;
    this.connectBook();
    // A lone voter need not wait an election timeout to lead: nobody else can.
    if (st.conf.voters.length === 1 && st.conf.voters[0] === this.id) this.core.campaign();
    this.ticker = setInterval(() => this.tick(), this.o.tickMs);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    const all: Waiter[] = [
      ...this.proposals.values(),
      ...this.toPropose.map((p) => p.waiter),
      ...[...this.forwarded.values()].map((p) => p.waiter),
    ];
    for (const w of all) w.resolve(unknownOutcome('leadership lost'));
    const reads = [
      ...this.awaitingLeader,
      ...this.toRead,
      ...[...this.readBatches.values()].flatMap((b) => b.reads),
    ];
    for (const r of reads)
      r.waiter.resolve(r.request.write ? unknownOutcome('leadership lost') : CLUSTERDOWN);
    this.proposals.clear();
    // Let an in-flight batch finish so the log on disk is whole.
    for (let i = 0; i < 200 && this.persistsInFlight > 0; i++)
      await new Promise((r) => setTimeout(r, 5));
  }

  // ---- client entry points -------------------------------------------------------------

  /** Runs a data request linearizably; synchronous where no round trip is needed. */
  submit(request: DataRequest): Reply | Promise<Reply> {
    if (this.fatal !== undefined) return this.stoppedReply(this.fatal);
    if (!request.write && this.soleLeaderReady()) return this.readNow(request);
    return new Promise<Reply>((resolve) => {
      const now = this.o.clock.monotonicMs();
      this.route({
        request,
        waiter: { resolve, startedMs: now, deadlineMs: now + this.o.requestTimeoutMs },
      });
    });
  }

  /**
   * READONLY mode: a read from this node's applied state, without asking the leader (a
   * follower may lag; a deposed leader may not know it yet). Never waits.
   */
  readLocal(request: DataRequest): Reply {
    if (this.fatal !== undefined) return this.stoppedReply(this.fatal);
    return this.readNow(request);
  }

  private stoppedReply(fatal: Error): ErrorReply {
    return new ErrorReply(`ERR node stopped: ${fatal.message}`);
  }

  /** True if `submit` answers a read at once (a lone leader), without a round trip. */
  readsAtOnce(): boolean {
    return this.fatal === undefined && this.soleLeaderReady();
  }

  /**
   * Proposes a membership change; resolves when it is applied (with an `-UNKNOWN` reply if its
   * fate became unknown). Rejects with the core's RaftError when it cannot be proposed.
   */
  changeMembership(cc: ConfChange): Promise<Reply> {
    this.core.proposeConfChange(cc);
    const st = this.core.status();
    const now = this.o.clock.monotonicMs();
    return new Promise<Reply>((resolve) => {
      this.proposals.set(st.lastIndex, {
        resolve,
        term: st.term,
        startedMs: now,
        deadlineMs: now + this.o.requestTimeoutMs,
      });
      this.schedule();
    });
  }

  transferLeadership(to: NodeId): void {
    this.core.transferLeadership(to);
    this.schedule();
  }

  status(): ReturnType<RaftNode['status']> {
    return this.core.status();
  }

  firstIndex(): number {
    return this.storage.firstIndex();
  }

  snapshotIndex(): number {
    return this.storage.snapshot().meta.index;
  }

  /** The latest snapshot's size, and how much of it is held in memory (0 once in its file). */
  snapshotSize(): { bytes: number; inMemoryBytes: number } {
    const data = this.storage.snapshot().data;
    return {
      bytes: data.byteLength,
      inMemoryBytes: data instanceof Uint8Array ? data.byteLength : 0,
    };
  }

  /** Takes a snapshot now if anything was applied since the last (before adding a member). */
  async snapshotNow(): Promise<void> {
    for (let i = 0; i < 100 && this.applied > this.storage.lastIndex(); i++)
      await new Promise((r) => setTimeout(r, 10));
    if (this.applied > this.storage.snapshot().meta.index) await this.takeSnapshot(0);
  }

  // ---- routing --------------------------------------------------------------------------

  private route(p: Pending): void {
    if (this.leader === NO_NODE) {
      this.awaitingLeader.push(p);
      return;
    }
    if (this.leader !== this.id && this.o.redirect === 'moved') {
      const addr = this.o.network?.respAddressOf(this.leader);
      if (addr !== undefined) return p.waiter.resolve(moved(addr));
    }
    if (!p.request.write) {
      this.toRead.push(p);
    } else if (this.leader === this.id) {
      const data = encodeEntry({ nowMs: this.stampNowMs(), request: p.request });
      this.toPropose.push({ data, waiter: p.waiter, reroute: () => this.retryLater(p) });
    } else {
      this.forward(p);
    }
    this.schedule();
  }

  /** The leader's clock, never behind a time already in the log (a new leader's may lag). */
  private stampNowMs(): number {
    this.lastNowMs = Math.max(this.lastNowMs, this.o.clock.nowMs());
    return this.lastNowMs;
  }

  private forward(p: Pending): void {
    const net = this.o.network;
    if (net === undefined) {
      this.awaitingLeader.push(p);
      return;
    }
    const id = ++this.forwardSeq;
    this.forwarded.set(id, p);
    // Relative: the leader's wall clock may differ from ours by any amount.
    const left = Math.max(0, Math.round(p.waiter.deadlineMs - this.o.clock.monotonicMs()));
    net.sendRequest(this.leader, requestToWire(id, this.group, p.request, left));
  }

  /**
   * A reply for the follower that forwarded its request. It runs inside apply: a reply the
   * codec could not carry must cost that one client an error, never the group (which stops on
   * any exception thrown while applying).
   */
  private encode(r: Reply): Uint8Array {
    try {
      return encodeReply(r);
    } catch (err) {
      this.o.logger('error', `cannot send a reply to a follower: ${String(err)}`);
      return encodeReply(new ErrorReply('ERR internal error: the reply could not be forwarded'));
    }
  }

  /** A follower forwarded a client request to us. */
  onForwardedRequest(from: NodeId, w: WireRequest): void {
    const reply = (r: Reply): void =>
      this.o.network?.sendResponse(from, { id: w.id, group: this.group, reply: this.encode(r) });
    if (this.leader !== this.id) return reply(NOT_LEADER);
    const request = requestFromWire(w);
    const now = this.o.clock.monotonicMs();
    const left = w.timeoutMs;
    const waiter: Waiter = {
      resolve: reply,
      startedMs: now,
      deadlineMs: now + Math.min(left, this.o.requestTimeoutMs),
    };
    const data = encodeEntry({ nowMs: this.stampNowMs(), request });
    this.toPropose.push({ data, waiter, reroute: () => reply(NOT_LEADER) });
    this.schedule();
  }

  onForwardedResponse(id: number, bytes: Uint8Array): void {
    const p = this.forwarded.get(id);
    if (p === undefined) return; // already timed out
    this.forwarded.delete(id);
    let reply: Reply;
    try {
      reply = decodeReply(bytes);
    } catch {
      reply = unknownOutcome('leader unreachable');
    }
    if (reply instanceof ErrorReply && reply.text === NOT_LEADER_TEXT) {
      // Nothing was proposed there: wait for the next leader (rechecked every tick).
      this.awaitingLeader.push(p);
      return;
    }
    p.waiter.resolve(reply);
  }

  onMessage(m: Message): void {
    if (this.stopped) return;
    this.core.step(m);
    this.schedule();
  }

  reportUnreachable(peer: NodeId): void {
    this.core.reportUnreachable(peer);
  }

  // ---- the turn -------------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    if (this.stopped || this.fatal !== undefined) return;
    try {
      this.proposeGathered();
      this.askReadIndex();
      this.drainReady();
    } catch (err) {
      this.die(err);
    }
  }

  private die(err: unknown): void {
    this.fatal = err instanceof Error ? err : new Error(String(err));
    this.o.logger(
      'error',
      `raft group ${this.group} stopped: ${this.fatal.stack ?? this.fatal.message}`,
    );
    // An I/O failure under the log is not survivable in-process: crash, restart recovers.
    setImmediate(() => {
      throw this.fatal;
    });
  }

  private proposeGathered(): void {
    if (this.toPropose.length === 0) return;
    const batch = this.toPropose;
    this.toPropose = [];
    let entries = 0;
    for (let i = 0; i < batch.length;) {
      const group = [batch[i] as Gathered];
      let bytes = group[0]?.data.length ?? 0;
      for (i++; i < batch.length && group.length < GROUP_REQUESTS_MAX; i++) {
        const next = batch[i] as Gathered;
        if (bytes + next.data.length > GROUP_BYTES_MAX) break;
        bytes += next.data.length;
        group.push(next);
      }
      if (this.proposeGroup(group)) entries++;
    }
    if (entries === 0) return;
    this.o.metrics.proposals.inc(entries);
    this.o.metrics.batchSize.observe(entries);
  }

  /** Proposes one entry for `group` (a plain entry for one request); false if refused. */
  private proposeGroup(group: readonly Gathered[]): boolean {
    const only = group.length === 1 ? group[0] : undefined;
    try {
      this.core.propose(only?.data ?? encodeEntryGroup(group.map((g) => g.data)));
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
      this.o.metrics.proposalsRefused.inc();
      // Refused, so not in any log: a definite answer, or another try elsewhere.
      for (const g of group) {
        if (err.code === 'uncommittedBytesExceeded') g.waiter.resolve(TRYAGAIN_BUSY);
        else g.reroute();
      }
      return false;
    }
    const st = this.core.status();
    if (only !== undefined) {
      this.proposals.set(st.lastIndex, { ...only.waiter, term: st.term });
      return true;
    }
    const members = group.map((g) => g.waiter);
    // One fate for the entry: it times out at its earliest member's deadline (all gathered in
    // this turn; a forwarded one brings what its follower had left).
    this.proposals.set(st.lastIndex, {
      term: st.term,
      members,
      startedMs: Math.min(...members.map((w) => w.startedMs)),
      deadlineMs: Math.min(...members.map((w) => w.deadlineMs)),
      resolve: (r) => {
        for (const w of members) w.resolve(r);
      },
    });
    return true;
  }

  /**
   * Asks one ReadIndex round for every read gathered, unless a round is still unconfirmed: as
   * etcd's linearizable read loop, at most one round is in flight and reads arriving meanwhile
   * wait for the next one. Under load a round then serves many reads and the quorum traffic per
   * read falls; with one client the wait is a round trip at most.
   */
  private askReadIndex(): void {
    if (this.toRead.length === 0) return;
    if (this.soleLeaderReady()) {
      const reads = this.toRead;
      this.toRead = [];
      for (const r of reads) r.waiter.resolve(this.readNow(r.request));
      return;
    }
    if (this.readRoundUnconfirmed()) return;
    const reads = this.toRead;
    this.toRead = [];
    const seq = ++this.readSeq;
    const ctx = Buffer.allocUnsafe(READ_CONTEXT_BYTES);
    ctx.set(this.readTag, 0);
    ctx.writeDoubleBE(seq, this.readTag.length);
    try {
      this.core.readIndex(ctx);
    } catch (err) {
      if (!(err instanceof RaftError)) throw err;
      this.awaitingLeader.push(...reads);
      return;
    }
    this.readBatches.set(seq, { reads, index: -1, askedMs: this.o.clock.monotonicMs() });
    this.o.metrics.readIndexRounds.inc();
  }

  /**
   * Takes Readies while the core has them, without waiting for earlier ones to be durable
   * (up to PERSISTS_IN_FLIGHT; the log store writes them in order, several per fsync when they
   * queue up). What must wait does: a non-leader's messages (acks, votes) go out only once its
   * Ready and every earlier one are on disk; a leader sends at once only when no term or vote
   * change is still on its way to disk. A Ready with a snapshot stops the intake until it is
   * installed, since later committed entries must be applied on top of it.
   */
  private drainReady(): void {
    while (
      !this.stopped &&
      this.persistsInFlight < PERSISTS_IN_FLIGHT &&
      !this.snapshotInFlight &&
      !this.installing &&
      this.core.hasReady()
    ) {
      const rd = this.core.ready();
      if (rd.softState !== undefined) this.onSoftState(rd.softState.role, rd.softState.leader);
      const early = this.role === 'leader' && this.termAndVoteDurable(rd.hardState);
      if (rd.hardState !== undefined) this.issuedHard = rd.hardState;
      if (early) this.send(rd.messages);
      // Committed entries are durable on a quorum already (the leader counts itself only once
      // its own write is done), so they are applied and answered now rather than after this
      // Ready's fsync: otherwise every write would wait for the next batch's fsync as well.
      // Entries after a snapshot wait for the snapshot to be installed, in finish().
      const appliedEarly = rd.snapshot === undefined;
      if (appliedEarly) this.applyCommitted(rd);
      if (!rd.mustSync && this.persistsInFlight === 0) {
        // Nothing to make durable and nothing ahead to wait for: the commit index goes to disk
        // with the next batch, and the rest completes now.
        if (rd.hardState !== undefined) this.unwrittenHard = rd.hardState;
        this.finish(rd, early, appliedEarly);
        continue;
      }
      this.persistsInFlight++;
      if (rd.snapshot !== undefined) this.snapshotInFlight = true;
      const started = this.o.clock.monotonicMs();
      // A Ready's own hard state is never older than one held back (the core's is monotone).
      const hardState = rd.hardState ?? this.unwrittenHard;
      this.unwrittenHard = undefined;
      this.o.log
        .persist({
          group: this.group,
          hardState,
          entries: rd.entries,
          snapshot: rd.snapshot,
          sync: rd.mustSync,
        })
        .then(() => {
          this.persistsInFlight--;
          if (rd.snapshot !== undefined) this.snapshotInFlight = false;
          if (rd.mustSync)
            this.o.metrics.persistSeconds.observe((this.o.clock.monotonicMs() - started) / 1000);
          if (this.stopped) return;
          this.finish(rd, early, appliedEarly);
          this.schedule();
        })
        .catch((err: unknown) => this.die(err));
    }
  }

  /**
   * A leader may send before its write completes only if its term and vote are already durable:
   * those of this Ready (`hs`) or, without a change here, the latest handed out.
   */
  private termAndVoteDurable(hs: HardState | undefined): boolean {
    const issued = hs ?? this.issuedHard;
    if (issued === undefined) return true;
    const p = this.persistedHard;
    return p !== undefined && p.term === issued.term && p.vote === issued.vote;
  }

  private finish(rd: Ready, sent: boolean, appliedEarly: boolean): void {
    if (rd.snapshot !== undefined) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState !== undefined) {
      this.storage.setHardState(rd.hardState);
      this.persistedHard = rd.hardState;
      this.term = rd.hardState.term;
    }
    if (!sent) this.send(rd.messages);
    if (rd.snapshot !== undefined) {
      this.installInTurns(rd, rd.snapshot);
      return;
    }
    if (!appliedEarly) this.applyCommitted(rd);
    this.core.advance(rd);
    this.maybeSnapshot();
  }

  /**
   * A snapshot from the leader (durable already) replaces the state machine: decoded 1 MiB per
   * turn, so the node keeps answering heartbeats while a large one loads, then installed in one
   * step; the Ready is completed after that. No later Ready is taken until then, so nothing is
   * applied on top of a half-loaded state.
   */
  private installInTurns(rd: Ready, snap: Snapshot): void {
    this.installing = true;
    const { book, image } = unframeSnapshot(snap.data);
    const loaded =
      image.byteLength > 0
        ? stepInTurns(this.o.applier.restoreSnapshotSteps(image, SNAPSHOT_CHUNK_BYTES))
        : Promise.resolve();
    loaded
      .then(() => {
        if (this.stopped) return;
        this.installed(snap, book);
        this.applyCommitted(rd);
        this.core.advance(rd);
        this.installing = false;
        this.maybeSnapshot();
        this.schedule();
      })
      .catch((err: unknown) => this.die(err));
  }

  /** Applies a Ready's committed entries, then serves the reads they make possible. */
  private applyCommitted(rd: Ready): void {
    this.applyEntries(rd.committedEntries);
    for (const rs of rd.readStates) {
      const context = Buffer.from(rs.context);
      const tag = this.readTag.length;
      if (context.length !== READ_CONTEXT_BYTES || !context.subarray(0, tag).equals(this.readTag))
        continue;
      const seq = context.readDoubleBE(tag);
      const batch = this.readBatches.get(seq);
      if (batch !== undefined) batch.index = rs.index;
    }
    this.serveReads();
    // Reads held back while that round was unconfirmed get theirs now.
    if (rd.readStates.length > 0 && this.toRead.length > 0) this.schedule();
  }

  private readRoundUnconfirmed(): boolean {
    for (const batch of this.readBatches.values()) if (batch.index < 0) return true;
    return false;
  }

  /**
   * A new leader (or none) will never confirm a round asked of the old one: route its reads
   * again now rather than after the retry timeout (reads are safe to ask twice; a late
   * confirmation of the old round finds no batch).
   */
  private rerouteUnconfirmedReads(): void {
    for (const [seq, batch] of this.readBatches) {
      if (batch.index >= 0) continue;
      this.readBatches.delete(seq);
      for (const r of batch.reads) this.route(r);
    }
  }

  private send(messages: readonly Message[]): void {
    const net = this.o.network;
    if (net === undefined) return;
    for (const m of messages) net.sendMessage(m.to, messageToWire(m));
  }

  private onSoftState(role: Role, leader: NodeId): void {
    const wasLeader = this.role === 'leader';
    const previousLeader = this.leader;
    if (leader !== previousLeader) this.o.metrics.leaderChanges.inc();
    this.role = role;
    this.leader = leader;
    if (role === 'leader' && !wasLeader) {
      this.termStart = this.core.status().lastIndex;
      this.o.logger(
        'info',
        `node ${this.id} leads group ${this.group} from index ${this.termStart}`,
      );
    }
    if (wasLeader && role !== 'leader') {
      this.termStart = Number.MAX_SAFE_INTEGER;
      // Entries may still commit under the next leader: wait one election timeout for them.
      const graceMs = this.o.clock.monotonicMs() + this.o.tickMs * this.o.electionTicks;
      for (const p of this.proposals.values()) p.deadlineMs = Math.min(p.deadlineMs, graceMs);
    }
    if (leader !== previousLeader) this.rerouteUnconfirmedReads();
    if (leader !== NO_NODE) this.rerouteAwaiting();
  }

  /**
   * A proposal the core refused here (a leadership transfer in progress, a leader being
   * removed): routed again at once it would be refused again every turn, a busy loop that
   * starves the very transfer it waits for. It waits for the next tick or leader change.
   */
  private retryLater(p: Pending): void {
    if (this.leader === this.id) this.awaitingLeader.push(p);
    else this.route(p);
  }

  private rerouteAwaiting(): void {
    const waiting = this.awaitingLeader;
    this.awaitingLeader = [];
    for (const p of waiting) this.route(p);
  }

  // ---- apply ----------------------------------------------------------------------------

  private applyEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.index <= this.applied) continue;
      // A configuration change answers OK; a normal entry, one reply per request it carries.
      let replies: Reply[] = [OK];
      if (e.type === 'normal') {
        const parts = decodeEntries(e.data);
        replies = parts.map(({ nowMs, request }, part) => {
          this.lastNowMs = Math.max(this.lastNowMs, nowMs);
          return this.o.applier.apply(request, envFor(e.index, nowMs, part));
        });
      } else if (e.type === 'confChange') {
        this.applyConfChange(decodeConfChange(e.data));
      }
      this.applied = e.index;
      this.bytesSinceSnapshot += e.data.byteLength;
      const p = this.proposals.get(e.index);
      if (p === undefined) continue;
      this.proposals.delete(e.index);
      if (p.term !== e.term) {
        p.resolve(unknownOutcome('entry overwritten'));
        continue;
      }
      this.o.metrics.commitSeconds.observe((this.o.clock.monotonicMs() - p.startedMs) / 1000);
      // Each waiter gets its own request's reply, nil included (a null reply is Redis' nil,
      // not a missing one). Same index and term is the same entry, so the counts always
      // match; if they did not, the answer would be unknown, never a wrong reply.
      const waiters = p.members ?? [p];
      if (replies.length === waiters.length) replies.forEach((r, i) => waiters[i]?.resolve(r));
      else p.resolve(unknownOutcome('entry overwritten'));
    }
    this.o.metrics.applied.inc(entries.length);
  }

  private applyConfChange(cc: ConfChange): void {
    const conf = this.core.applyConfChange(cc);
    this.storage.setConf(conf);
    this.voters = conf.voters.length;
    if (cc.type === 'addLearner' && cc.context.byteLength > 0) {
      this.book.set(cc.node, Buffer.from(cc.context).toString('utf8'));
    } else if (cc.type === 'removeNode') {
      this.book.delete(cc.node);
      this.o.network?.disconnect(cc.node);
      if (cc.node === this.id)
        this.o.logger('warn', `node ${this.id} was removed from group ${this.group}`);
    }
    this.connectBook();
    this.o.log.saveMeta(this.group, encodeBook(this.book)).catch((err: unknown) => this.die(err));
    this.o.logger(
      'info',
      `membership ${cc.type} ${cc.node}: voters ${conf.voters.join(',')} learners ${conf.learners.join(',')}`,
    );
  }

  private connectBook(): void {
    for (const [peer, addr] of this.book)
      if (peer !== this.id) this.o.network?.connect(peer, this.o.routes.get(peer) ?? addr);
  }

  /** After the state machine took a snapshot from the leader: the rest of the node follows. */
  private installed(snap: Snapshot, book: AddressBook): void {
    for (const [k, v] of book) this.book.set(k, v);
    this.applied = snap.meta.index;
    this.connectBook();
    this.o.log.saveMeta(this.group, encodeBook(this.book)).catch((err: unknown) => this.die(err));
    for (const [index, p] of this.proposals) {
      if (index > snap.meta.index) continue;
      this.proposals.delete(index);
      p.resolve(unknownOutcome('entry overwritten'));
    }
    this.o.logger('info', `installed snapshot at index ${snap.meta.index}`);
  }

  private readNow(request: DataRequest): Reply {
    this.o.metrics.reads.inc();
    return this.o.applier.apply(request, envFor(this.applied, this.o.clock.nowMs()));
  }

  private serveReads(): void {
    for (const [seq, batch] of this.readBatches) {
      if (batch.index < 0 || batch.index > this.applied) continue;
      this.readBatches.delete(seq);
      for (const r of batch.reads) r.waiter.resolve(this.readNow(r.request));
    }
  }

  /** A lone voter that leads and applied its term's no-op: no other leader can exist. */
  private soleLeaderReady(): boolean {
    return this.role === 'leader' && this.voters === 1 && this.applied >= this.termStart;
  }

  // ---- snapshots ------------------------------------------------------------------------

  private maybeSnapshot(): void {
    // Entries applied early may not be in the storage yet; a snapshot needs its index there.
    if (this.snapshotting || this.installing || this.applied > this.storage.lastIndex()) return;
    const last = this.storage.snapshot();
    const log = { entries: this.applied - last.meta.index, bytes: this.bytesSinceSnapshot };
    if (!snapshotDue(log, last.data.byteLength, this.o.snapshotEntries)) return;
    this.bytesSinceSnapshot = 0;
    this.takeSnapshot(this.o.trailingEntries).catch((err: unknown) => this.die(err));
  }

  private async takeSnapshot(trailing: number): Promise<void> {
    if (this.snapshotting) return;
    this.snapshotting = true;
    try {
      const started = this.o.clock.monotonicMs();
      // Captured in this turn: the index, membership and state agree with each other.
      const index = logIndex(this.applied);
      const meta = { index, term: this.storage.term(index), conf: this.core.status().conf };
      const book = new Map(this.book);
      // Encoded straight into its file: the image is never whole in memory.
      const steps = this.o.applier.snapshotChunks(snapshotHead(book), SNAPSHOT_CHUNK_BYTES);
      const data = await this.o.log.writeSnapshotImage(this.group, meta, steps);
      // Stopped, or a snapshot installed from the leader meanwhile covers this one.
      if (this.stopped || this.storage.snapshot().meta.index >= index) {
        await this.o.log.discardSnapshotFile(this.group, index);
        return;
      }
      const snap = this.storage.createSnapshot(index, meta.conf, data);
      let compactTo = this.compactionPoint(index, trailing);
      if (compactTo >= this.storage.firstIndex()) this.storage.compact(logIndex(compactTo));
      else compactTo = this.storage.firstIndex() - 1;
      await this.o.log.commitSnapshot(this.group, snap, logIndex(compactTo));
      this.o.metrics.snapshots.inc();
      this.o.logger(
        'info',
        `snapshot at ${index} (${data.byteLength} bytes, ${Math.round(this.o.clock.monotonicMs() - started)} ms); log from ${compactTo + 1}`,
      );
    } finally {
      this.snapshotting = false;
    }
  }

  /**
   * Where to cut the log after a snapshot at `index`: up to `trailing` entries stay behind it,
   * so a follower slightly behind catches up from the log rather than a whole snapshot (etcd
   * keeps 5,000), but no more than `trailingBytes` of them. The log is held in memory, and
   * one entry may carry up to GROUP_REQUESTS_MAX writes: 5,000 entries of pipelined writes
   * held 140 MB per node.
   */
  private compactionPoint(index: number, trailing: number): number {
    const lowest = Math.max(this.storage.firstIndex(), index - trailing + 1);
    if (lowest > index) return index - trailing;
    const kept = this.storage.entries(logIndex(lowest), logIndex(index + 1), Infinity);
    let bytes = 0;
    for (let i = kept.length - 1; i >= 0; i--) {
      bytes += (kept[i] as Entry).data.byteLength;
      if (bytes > this.o.trailingBytes) return lowest + i;
    }
    return index - trailing;
  }

  // ---- time -----------------------------------------------------------------------------

  private tick(): void {
    if (this.stopped || this.fatal !== undefined) return;
    try {
      this.core.tick();
      const now = this.o.clock.monotonicMs();
      this.expireWaiters(now);
      if (this.leader !== NO_NODE) this.rerouteAwaiting();
      if (this.role === 'leader') {
        this.promoteLearners();
        this.sweepExpired();
      }
      this.schedule();
    } catch (err) {
      this.die(err);
    }
  }

  private expireWaiters(now: number): void {
    for (const [index, p] of this.proposals) {
      if (p.deadlineMs > now) continue;
      this.proposals.delete(index);
      p.resolve(unknownOutcome(this.role === 'leader' ? 'timed out' : 'leadership lost'));
    }
    for (const [id, p] of this.forwarded) {
      if (p.waiter.deadlineMs > now) continue;
      this.forwarded.delete(id);
      p.waiter.resolve(unknownOutcome('leader unreachable'));
    }
    this.awaitingLeader = this.awaitingLeader.filter((p) => {
      if (p.waiter.deadlineMs > now) return true;
      p.waiter.resolve(CLUSTERDOWN);
      return false;
    });
    const retryMs = this.o.tickMs * this.o.electionTicks;
    for (const [seq, batch] of this.readBatches) {
      if (batch.index >= 0 && batch.askedMs + retryMs * 4 > now) continue;
      if (batch.index < 0 && batch.askedMs + retryMs > now) continue;
      // Unanswered (lost message, leader change): ask again, or give up at the deadline.
      this.readBatches.delete(seq);
      for (const r of batch.reads) {
        if (r.waiter.deadlineMs <= now)
          r.waiter.resolve(this.leader === NO_NODE ? CLUSTERDOWN : READ_TIMEOUT);
        else this.route(r);
      }
    }
  }

  private promoteLearners(): void {
    const st = this.core.status();
    for (const learner of st.conf.learners) {
      const pr = st.progress.get(learner);
      // Caught up means it has answered this leader (a match of 0 has heard nothing: on a
      // young log, lastIndex <= 32 would otherwise promote a node never started, a voter
      // that can only cost the quorum) and is being streamed entries now.
      if (
        pr === undefined ||
        pr.match === 0 ||
        pr.state !== 'replicate' ||
        pr.match + PROMOTE_WITHIN_ENTRIES < st.lastIndex
      )
        continue;
      try {
        this.changeMembership({ type: 'promote', node: learner, context: new Uint8Array(0) })
          .then((r) => {
            if (!(r instanceof ErrorReply))
              this.o.logger('info', `promoted learner ${learner} to voter`);
          })
          .catch((err: unknown) => this.die(err));
      } catch (err) {
        if (!(err instanceof RaftError)) throw err; // another change is in flight: next tick
      }
      return; // one change at a time
    }
  }

  /** Active expiry: the leader proposes deletes of expired keys, so every replica agrees. */
  private sweepExpired(): void {
    if (this.sweepInFlight) return;
    const keys = this.o.applier.expiredKeys(this.o.clock.nowMs(), EXPIRY_KEYS_PER_TICK);
    if (keys.length === 0) return;
    this.sweepInFlight = true;
    const request: DataRequest = {
      commands: [['__expired', ...keys]],
      write: true,
      transaction: false,
      watch: undefined,
      clientId: 0,
      sequence: 0,
    };
    const now = this.o.clock.monotonicMs();
    const data = encodeEntry({ nowMs: this.stampNowMs(), request });
    const done = (reply?: Reply): void => {
      this.sweepInFlight = false;
      if (typeof reply === 'number') this.expiredKeys += reply;
    };
    this.toPropose.push({
      data,
      waiter: { resolve: done, startedMs: now, deadlineMs: now + this.o.requestTimeoutMs },
      reroute: done,
    });
  }
}

async function bootstrap(o: GroupOptions): Promise<Snapshot> {
  const voters = [...o.bootstrap.keys()].sort((a, b) => a - b);
  const snap: Snapshot = {
    meta: { index: logIndex(1), term: term(1), conf: { voters, learners: [] } },
    data: snapshotHead(o.bootstrap),
  };
  await o.log.saveSnapshot(o.group, snap, logIndex(1));
  await o.log.saveMeta(o.group, encodeBook(o.bootstrap));
  o.logger('info', `bootstrapped group ${o.group} with voters ${voters.join(',')}`);
  return snap;
}
