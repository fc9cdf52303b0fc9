/**
 * The host loop of one simulated replica: a RaftNode, its simulated disk and its KV state
 * machine, driven exactly by the Ready contract of src/raft/types.ts:
 *   1. persist snapshot, entries, hard state (one fsync when `mustSync`; the fsync completes
 *      later, as a scheduled event);
 *   2. send messages: a leader in parallel with its write, anyone else only after it;
 *   3. apply the snapshot, then committed entries in order;
 *   4. serve read states once applied reaches their index;
 *   5. advance().
 * While a write is in flight the node still ticks and steps messages, but takes no new Ready
 * (RawNode's rule: one Ready at a time).
 */
import { decodeConfChange } from '../../src/raft/codec.js';
import { defaultRaftConfig } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import {
  NO_NODE,
  type ConfState,
  type Entry,
  type GroupId,
  type HardState,
  type LogIndex,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type Role,
  type Snapshot,
  snapshotBytes,
} from '../../src/raft/types.js';
import type { Rng } from '../../src/shared/effects.js';
import { Checker, Violation } from './checker.js';
import { SimDisk, type BootImage, type DiskOp } from './disk.js';
import { KvStore } from './kv.js';

/** What a host needs from the simulation around it. */
export interface HostWorld {
  readonly checker: Checker;
  send(from: SimNode, message: Message): void;
  /** Schedules `node.writeDone(incarnation)` after the fsync latency. */
  scheduleFsync(node: SimNode): void;
  onApplied(node: SimNode, entry: Entry, key: string | undefined): void;
  onReadState(node: SimNode, context: string, readIndex: LogIndex): void;
  /** The node was just seen leading a term for the first time. */
  onNewLeader(node: SimNode): void;
  /** A leader persisted a higher commit index (its messages for it are already sent). */
  onLeaderCommit(node: SimNode): void;
  trace(text: string): void;
}

export type ConfigOverrides = Partial<
  Omit<RaftConfig, 'id' | 'group' | 'storage' | 'rng' | 'applied'>
>;

interface InFlightWrite {
  readonly ready: Ready;
  readonly op: DiskOp;
  readonly sent: boolean;
}

interface WaitingRead {
  readonly context: string;
  readonly index: LogIndex;
}

const READY_LOOP_MAX = 1000;

export class SimNode {
  core: RaftNode | undefined;
  readonly disk: SimDisk;
  kv = new KvStore();
  applied = 0;
  conf: ConfState;
  role: Role = 'follower';
  leader: NodeId = NO_NODE;
  term = 0;
  /** Bumped by every crash, so that events scheduled before it are ignored. */
  incarnation = 0;
  pausedUntilMs = 0;
  removed = false;
  snapshotsInstalled = 0;
  private inFlight: InFlightWrite | undefined;
  private hardState: HardState;
  private waitingReads: WaitingRead[] = [];
  private leaderTermChecked = -1;
  private leaderTermSeen = -1;

  constructor(
    readonly id: NodeId,
    private readonly group: GroupId,
    boot: BootImage | undefined,
    private readonly overrides: ConfigOverrides,
    private readonly world: HostWorld,
  ) {
    this.disk = new SimDisk(boot);
    this.conf = this.disk.live.initialState().conf;
    this.hardState = this.disk.live.initialState().hardState;
  }

  get up(): boolean {
    return this.core !== undefined;
  }

  get writing(): boolean {
    return this.inFlight !== undefined;
  }

  /** (Re)starts from the durable disk only: the state machine restarts from the snapshot. */
  start(rng: Rng): void {
    const storage = this.disk.live;
    const snapshot = storage.snapshot();
    this.kv =
      snapshot.meta.index > 0 ? KvStore.decode(snapshotBytes(snapshot.data)) : new KvStore();
    this.applied = snapshot.meta.index;
    const initial = storage.initialState();
    this.conf = initial.conf;
    this.hardState = initial.hardState;
    this.term = initial.hardState.term;
    this.role = 'follower';
    this.leader = NO_NODE;
    this.waitingReads = [];
    const config: RaftConfig = {
      ...defaultRaftConfig(this.id, this.group, storage, rng, snapshot.meta.index),
      ...this.overrides,
    };
    this.core = new RaftNode(config);
  }

  /** Power loss: unsynced writes may vanish; memory is gone. Returns lost write count. */
  crash(rng: Rng): number {
    const lost = this.disk.crash(rng, this.inFlight?.op);
    this.core = undefined;
    this.inFlight = undefined;
    this.waitingReads = [];
    this.incarnation++;
    this.role = 'follower';
    this.leader = NO_NODE;
    return lost;
  }

  /** Refreshes role/term after the core was touched; reports leaders to the checker. */
  observe(): void {
    const core = this.core;
    if (core === undefined) return;
    const status = core.status();
    this.role = status.role;
    this.leader = status.leader;
    this.term = status.term;
    if (status.role === 'leader' && this.leaderTermSeen !== status.term) {
      this.leaderTermSeen = status.term;
      this.world.checker.onLeader(this.id, status.term);
      this.world.onNewLeader(this);
    }
  }

  /** An upper bound on the term this node learned its commit index in. */
  private termNow(): number {
    return Math.max(this.hardState.term, this.term);
  }

  /** Takes and handles Readies until one needs an fsync or none is left. */
  pump(): void {
    for (let i = 0; i < READY_LOOP_MAX; i++) {
      const core = this.core;
      if (core === undefined || this.inFlight !== undefined || !core.hasReady()) return;
      this.handleReady(core.ready());
    }
    throw new Violation(
      'readyContract',
      `n${this.id}: hasReady() still true after ${READY_LOOP_MAX} Readies`,
    );
  }

  private handleReady(ready: Ready): void {
    this.checkReady(ready);
    if (ready.softState !== undefined) {
      this.role = ready.softState.role;
      this.leader = ready.softState.leader;
    }
    this.world.trace(`n${this.id} ready ${describeReady(ready)}`);
    const op: DiskOp = {
      kind: 'ready',
      snapshot: ready.snapshot,
      entries: ready.entries,
      hardState: ready.hardState,
    };
    // Thesis §10.2.1: a leader may send in parallel with its own disk write.
    const sent = this.role === 'leader';
    if (sent) this.sendAll(ready.messages);
    if (ready.mustSync) {
      this.inFlight = { ready, op, sent };
      this.world.scheduleFsync(this);
      return;
    }
    if (ready.snapshot !== undefined || ready.entries.length > 0 || ready.hardState !== undefined) {
      this.disk.write(op);
    }
    this.complete(ready, sent);
  }

  /** The fsync of the in-flight write returned. */
  writeDone(incarnation: number): void {
    const write = this.inFlight;
    if (incarnation !== this.incarnation || write === undefined) return;
    this.inFlight = undefined;
    this.disk.write(write.op);
    this.disk.fsync();
    this.complete(write.ready, write.sent);
    this.pump();
  }

  private complete(ready: Ready, sent: boolean): void {
    const core = this.core;
    if (core === undefined) return;
    const checker = this.world.checker;
    if (ready.snapshot !== undefined) checker.onSnapshot(this.id, ready.snapshot, this.termNow());
    if (ready.entries.length > 0) checker.onLogWrite(this.id, ready.entries, this.disk.live);
    const commitBefore = this.hardState.commit;
    if (ready.hardState !== undefined) this.recordCommit(ready.hardState);
    if (!sent) this.sendAll(ready.messages);
    if (this.role === 'leader' && this.hardState.commit > commitBefore)
      this.world.onLeaderCommit(this);
    if (ready.snapshot !== undefined) this.installSnapshot(ready.snapshot);
    for (const entry of ready.committedEntries) this.apply(entry);
    for (const rs of ready.readStates) {
      this.waitingReads.push({ context: contextText(rs.context), index: rs.index });
    }
    this.serveReads();
    core.advance(ready);
    this.observe();
    if (this.role === 'leader' && this.leaderTermChecked !== this.term) {
      this.leaderTermChecked = this.term;
      checker.onLeaderLog(this.id, this.term, this.disk.live);
    }
  }

  /** Entries under a persisted commit index are committed: register the new ones. */
  private recordCommit(hs: HardState): void {
    const checker = this.world.checker;
    const storage = this.disk.live;
    const from = Math.max(checker.maxCommitted + 1, storage.firstIndex());
    const to = Math.min(hs.commit, storage.lastIndex());
    if (to >= from) {
      for (const entry of storage.entries(
        from as LogIndex,
        (to + 1) as LogIndex,
        Number.MAX_SAFE_INTEGER,
      )) {
        checker.onCommitted(this.id, entry, Math.max(hs.term, this.term));
      }
    }
    this.hardState = hs;
  }

  private installSnapshot(snapshot: Snapshot): void {
    this.kv = KvStore.decode(snapshotBytes(snapshot.data));
    this.applied = snapshot.meta.index;
    this.conf = snapshot.meta.conf;
    this.world.trace(
      `n${this.id} installed snapshot i${snapshot.meta.index} t${snapshot.meta.term}`,
    );
  }

  private apply(entry: Entry): void {
    if (entry.index !== this.applied + 1) {
      throw new Violation(
        'stateMachineSafety',
        `n${this.id} applied index ${entry.index} right after ${this.applied}`,
      );
    }
    this.world.checker.onCommitted(this.id, entry, this.termNow());
    let key: string | undefined;
    if (entry.type === 'normal') key = this.kv.apply(entry.index, entry.data);
    else if (entry.type === 'confChange') this.applyConfChange(entry);
    this.applied = entry.index;
    this.world.onApplied(this, entry, key);
  }

  private applyConfChange(entry: Entry): void {
    const core = this.core;
    if (core === undefined) return;
    const change = decodeConfChange(entry.data);
    this.conf = core.applyConfChange(change);
    this.world.trace(
      `n${this.id} applied conf change ${change.type} n${change.node} -> voters [${this.conf.voters.join(',')}] learners [${this.conf.learners.join(',')}]`,
    );
  }

  private serveReads(): void {
    if (this.waitingReads.length === 0) return;
    const ready = this.waitingReads.filter((r) => r.index <= this.applied);
    if (ready.length === 0) return;
    this.waitingReads = this.waitingReads.filter((r) => r.index > this.applied);
    for (const read of ready) this.world.onReadState(this, read.context, read.index);
  }

  private sendAll(messages: readonly Message[]): void {
    for (const message of messages) this.world.send(this, message);
  }

  /** The parts of the Ready contract the host can check from outside. */
  private checkReady(ready: Ready): void {
    const hs = ready.hardState;
    const durableChange =
      ready.snapshot !== undefined ||
      ready.entries.length > 0 ||
      (hs !== undefined && (hs.term !== this.hardState.term || hs.vote !== this.hardState.vote));
    if (durableChange && !ready.mustSync) {
      throw new Violation(
        'readyContract',
        `n${this.id}: Ready changes ${ready.entries.length > 0 ? 'entries' : ready.snapshot !== undefined ? 'the snapshot' : 'term/vote'} but mustSync is false`,
      );
    }
    for (let i = 1; i < ready.entries.length; i++) {
      const prev = ready.entries[i - 1];
      const entry = ready.entries[i];
      if (prev !== undefined && entry !== undefined && entry.index !== prev.index + 1) {
        throw new Violation(
          'readyContract',
          `n${this.id}: Ready.entries not contiguous at ${entry.index}`,
        );
      }
    }
  }

  /**
   * Log compaction at the applied index: snapshot the KV, fsync it with everything before it,
   * drop the log below. Only when idle, so no Ready write races it.
   */
  compact(): boolean {
    const storage = this.disk.live;
    if (this.core === undefined || this.inFlight !== undefined) return false;
    if (this.applied <= storage.snapshot().meta.index || this.applied > storage.lastIndex())
      return false;
    const index = this.applied as LogIndex;
    const data = this.kv.encode();
    this.disk.write({ kind: 'compact', index, conf: this.conf, data });
    this.disk.fsync();
    this.world.checker.onSnapshot(this.id, storage.snapshot(), this.termNow());
    this.world.trace(`n${this.id} compacted to i${index}`);
    return true;
  }
}

function contextText(context: Uint8Array): string {
  return Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('latin1');
}

export function describeReady(ready: Ready): string {
  const parts: string[] = [];
  if (ready.softState !== undefined)
    parts.push(`${ready.softState.role}(leader n${ready.softState.leader})`);
  const hs = ready.hardState;
  if (hs !== undefined) parts.push(`hs{t${hs.term} v${hs.vote} c${hs.commit}}`);
  const first = ready.entries[0];
  const last = ready.entries[ready.entries.length - 1];
  if (first !== undefined && last !== undefined)
    parts.push(`ents[${first.index}..${last.index}]@t${last.term}`);
  if (ready.snapshot !== undefined) parts.push(`snap i${ready.snapshot.meta.index}`);
  const c0 = ready.committedEntries[0];
  const c1 = ready.committedEntries[ready.committedEntries.length - 1];
  if (c0 !== undefined && c1 !== undefined) parts.push(`apply[${c0.index}..${c1.index}]`);
  if (ready.messages.length > 0) parts.push(`msgs ${ready.messages.length}`);
  if (ready.readStates.length > 0) parts.push(`reads ${ready.readStates.length}`);
  if (ready.mustSync) parts.push('sync');
  return parts.join(' ');
}
