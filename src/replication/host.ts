/**
 * The replication host: one process's Raft groups (a Map by group id; one data group for now),
 * their durable log, and the peer transport they share. `ReplicationHost.start` is what
 * `memlayer server --durability fsync` runs; `executor()` is what the dispatcher talks to.
 */
import { join } from 'node:path';
import { NO_NODE, RaftError, type GroupId, type NodeId } from '../raft/types.js';
import type { Reply } from '../commands/reply.js';
import { groupId } from '../shared/brand.js';
import type { Clock, Rng } from '../shared/effects.js';
import { LevelLogStore } from './log-store.js';
import { RaftGroup, type Applier, type Network } from './group.js';
import { PeerTransport } from './transport.js';
import { messageFromWire, type WireFrame } from './wire.js';
import { newReplicationMetrics, type ReplicationMetrics } from './replication-metrics.js';
import { RaftExecutor } from './raft-executor.js';
import type { AddressBook } from './snapshot-frame.js';
import { portOf } from '../config/replication.js';

export interface MemberView {
  readonly id: number;
  readonly role: 'voter' | 'learner';
  readonly self: boolean;
  readonly peerAddress: string;
  readonly respAddress: string;
  readonly adminAddress: string;
  readonly connected: boolean;
  /** Leader only: replication progress. */
  readonly match?: number;
  readonly next?: number;
  readonly progress?: string;
}

export interface ClusterView {
  readonly id: number;
  readonly cluster: string;
  readonly group: number;
  readonly role: string;
  readonly leader: number;
  readonly leaderRespAddress: string;
  readonly leaderAdminAddress: string;
  readonly term: number;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly firstIndex: number;
  readonly snapshotIndex: number;
  /** Size of the latest snapshot image, and the part of it held in memory (0 once in its file). */
  readonly snapshotBytes: number;
  readonly snapshotInMemoryBytes: number;
  readonly members: readonly MemberView[];
}

/** The group that holds the keyspace (sharding will add more). */
export const DATA_GROUP: GroupId = groupId(1);

export type Logger = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface HostOptions {
  readonly id: NodeId;
  /** The Raft log lives in `<dataDir>/raft` (a level database). */
  readonly dataDir: string;
  /** Peers of another cluster name are refused. */
  readonly cluster: string;
  /** Members of a brand-new cluster, this node included (id -> peer address). */
  readonly members: AddressBook;
  /** Where this node dials these peers, over the addresses the membership holds (optional). */
  readonly routes?: AddressBook;
  /** Start as an empty node that waits to be added by the leader (no bootstrap). */
  readonly join: boolean;
  /** Where to listen for peers; undefined for a lone node that never talks to others. */
  readonly peerListen: { readonly host: string; readonly port: number } | undefined;
  /** Address peers should dial (defaults to the bound listen address). */
  readonly peerAdvertise?: string;
  /**
   * Without `peerAdvertise`: the host peers should dial at the bound port (`--advertise`; a
   * wildcard listen address is no address to dial). Defaults to the listen host.
   */
  readonly peerAdvertiseHost?: string;
  readonly respAddress: string;
  /** Where this node's REST admin API listens ('' when it has none). */
  readonly adminAddress: string;
  readonly applier: Applier;
  readonly redirect: 'forward' | 'moved';
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly snapshotEntries?: number;
  readonly trailingEntries?: number;
  readonly trailingBytes?: number;
  readonly requestTimeoutMs?: number;
}

export const HOST_DEFAULTS = {
  tickMs: 100,
  electionTicks: 10,
  snapshotEntries: 50_000,
  trailingEntries: 5_000,
  /** One entry may carry 64 writes: the trailing log is bounded in bytes too. */
  trailingBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 5_000,
  /** Above the core's 1 MiB message and snapshot chunk, plus a turn's worth of batching. */
  frameBytesMax: 64 * 1024 * 1024,
  queueBytesMax: 128 * 1024 * 1024,
};

export class ReplicationHost {
  readonly groups = new Map<GroupId, RaftGroup>();
  readonly metrics: ReplicationMetrics = newReplicationMetrics();
  private respAddress: string;
  private adminAddress: string;
  private constructor(
    readonly options: HostOptions,
    readonly log: LevelLogStore,
    readonly transport: PeerTransport | undefined,
  ) {
    this.respAddress = options.respAddress;
    this.adminAddress = options.adminAddress;
  }

  /** Sets the client-facing addresses once their listeners are bound (port 0). */
  advertise(a: { resp?: string; admin?: string }): void {
    this.respAddress = a.resp ?? this.respAddress;
    this.adminAddress = a.admin ?? this.adminAddress;
    this.transport?.updateAdvertised(this.respAddress, this.adminAddress);
  }

  static async start(o: HostOptions): Promise<ReplicationHost> {
    const log = await LevelLogStore.open(join(o.dataDir, 'raft'));
    let transport: PeerTransport | undefined;
    let host: ReplicationHost | undefined;
    try {
      if (o.peerListen !== undefined) {
        transport = new PeerTransport({
          self: o.id,
          cluster: o.cluster,
          respAddress: o.respAddress,
          adminAddress: o.adminAddress,
          frameBytesMax: HOST_DEFAULTS.frameBytesMax,
          queueBytesMax: HOST_DEFAULTS.queueBytesMax,
          helloTimeoutMs: 5000,
          onFrame: (from, frame) => host?.onFrame(from, frame),
          onUnreachable: (peer) => {
            for (const g of host?.groups.values() ?? []) g.reportUnreachable(peer);
          },
          log: (level, msg) => o.logger(level, msg),
        });
        await transport.listen(o.peerListen.host, o.peerListen.port);
      }
      host = new ReplicationHost(o, log, transport);
      await host.openGroup(DATA_GROUP);
      host.registerGauges();
      return host;
    } catch (err) {
      await transport?.close();
      await log.close();
      throw err;
    }
  }

  private registerGauges(): void {
    const r = this.metrics.registry;
    const st = (): ReturnType<RaftGroup['status']> => this.data.status();
    r.gauge('memlayer_raft_term', 'Current Raft term', () => st().term);
    r.gauge('memlayer_raft_commit_index', 'Highest log index known committed', () => st().commit);
    r.gauge('memlayer_raft_applied_index', 'Highest log index applied', () => this.data.applied);
    r.gauge('memlayer_raft_last_index', 'Last index in the log', () => st().lastIndex);
    r.gauge('memlayer_raft_snapshot_index', 'Index of the latest snapshot', () =>
      this.data.snapshotIndex(),
    );
    r.gauge('memlayer_raft_is_leader', '1 on the leader, 0 elsewhere', () =>
      this.data.role === 'leader' ? 1 : 0,
    );
    r.gauge(
      'memlayer_raft_leader_id',
      'Node id of the known leader (0: none)',
      () => this.data.leader,
    );
    r.gauge('memlayer_raft_voters', 'Voting members', () => st().conf.voters.length);
    r.gauge('memlayer_raft_learners', 'Learners', () => st().conf.learners.length);
    r.counterRead(
      'memlayer_raft_disk_batches_total',
      'Batches written to the log store (synced ones: one fsync each)',
      () => this.log.stats.batches,
    );
    r.counterRead(
      'memlayer_raft_disk_synced_batches_total',
      'Synced batches written to the log store',
      () => this.log.stats.syncedBatches,
    );
    const t = this.transport;
    if (t !== undefined) {
      r.counterRead(
        'memlayer_peer_frames_sent_total',
        'Frames sent to peers',
        () => t.stats.framesSent,
      );
      r.counterRead(
        'memlayer_peer_frames_dropped_total',
        'Frames dropped (queue full or no stream)',
        () => t.stats.framesDropped,
      );
      r.counterRead(
        'memlayer_peer_bytes_sent_total',
        'Approximate bytes sent to peers',
        () => t.stats.bytesSent,
      );
    }
  }

  get peerAddress(): string {
    if (this.options.peerAdvertise !== undefined) return this.options.peerAdvertise;
    const bound = this.transport?.address ?? '';
    const host = this.options.peerAdvertiseHost;
    if (host === undefined || bound === '') return bound;
    return `${host}:${portOf(bound)}`;
  }

  private async openGroup(group: GroupId): Promise<RaftGroup> {
    const o = this.options;
    const transport = this.transport;
    const network: Network | undefined =
      transport === undefined
        ? undefined
        : {
            sendMessage: (to, m) => transport.sendMessage(to, m),
            sendRequest: (to, r) => transport.sendRequest(to, r),
            sendResponse: (to, r) => transport.sendResponse(to, r),
            connect: (peer, address) => transport.connect(peer, address),
            disconnect: (peer) => transport.disconnect(peer),
            respAddressOf: (peer) => transport.peers.get(peer)?.respAddress,
          };
    const bootstrap: AddressBook = o.join ? new Map() : new Map(o.members);
    if (!o.join && bootstrap.size === 0) bootstrap.set(o.id, this.peerAddress);
    const g = await RaftGroup.open({
      id: o.id,
      group,
      log: this.log,
      applier: o.applier,
      network,
      clock: o.clock,
      rng: o.rng,
      metrics: this.metrics,
      bootstrap,
      seeds: o.join ? new Map(o.members) : new Map(),
      routes: o.routes ?? new Map(),
      tickMs: o.tickMs ?? HOST_DEFAULTS.tickMs,
      electionTicks: o.electionTicks ?? HOST_DEFAULTS.electionTicks,
      snapshotEntries: o.snapshotEntries ?? HOST_DEFAULTS.snapshotEntries,
      trailingEntries: o.trailingEntries ?? HOST_DEFAULTS.trailingEntries,
      trailingBytes: o.trailingBytes ?? HOST_DEFAULTS.trailingBytes,
      redirect: o.redirect,
      requestTimeoutMs: o.requestTimeoutMs ?? HOST_DEFAULTS.requestTimeoutMs,
      logger: o.logger,
    });
    this.groups.set(group, g);
    return g;
  }

  /** The data group; present from start() on. */
  get data(): RaftGroup {
    const g = this.groups.get(DATA_GROUP);
    if (g === undefined) throw new Error('data group not open');
    return g;
  }

  executor(): RaftExecutor {
    return new RaftExecutor(this.data, this.metrics);
  }

  private onFrame(from: NodeId, frame: WireFrame): void {
    for (const m of frame.messages ?? [])
      this.groups.get(groupId(m.group))?.onMessage(messageFromWire(m));
    for (const r of frame.requests ?? [])
      this.groups.get(groupId(r.group))?.onForwardedRequest(from, r);
    // Forward ids are counted per group: only the asking group may take the answer.
    for (const r of frame.responses ?? [])
      this.groups
        .get(r.group === 0 ? DATA_GROUP : groupId(r.group))
        ?.onForwardedResponse(r.id, r.reply);
  }

  /** Where clients and operators reach a member (ourselves included). */
  addressesOf(id: NodeId): { resp: string; admin: string; peer: string } {
    if (id === this.options.id)
      return {
        resp: this.respAddress,
        admin: this.adminAddress,
        peer: this.peerAddress,
      };
    const hello = this.transport?.peers.get(id);
    return {
      resp: hello?.respAddress ?? '',
      admin: hello?.adminAddress ?? '',
      peer: this.data.book.get(id) ?? hello?.peerAddress ?? '',
    };
  }

  describe(): ClusterView {
    const g = this.data;
    const st = g.status();
    const members: MemberView[] = [];
    const ids = [...st.conf.voters, ...st.conf.learners].sort((a, b) => a - b);
    for (const id of ids) {
      const pr = st.progress.get(id);
      const a = this.addressesOf(id);
      members.push({
        id,
        role: st.conf.learners.includes(id) ? 'learner' : 'voter',
        self: id === this.options.id,
        peerAddress: a.peer,
        respAddress: a.resp,
        adminAddress: a.admin,
        connected: id === this.options.id || (this.transport?.connected(id) ?? false),
        ...(pr === undefined ? {} : { match: pr.match, next: pr.next, progress: pr.state }),
      });
    }
    const leader = this.addressesOf(st.leader);
    const snapshot = g.snapshotSize();
    return {
      id: this.options.id,
      cluster: this.options.cluster,
      group: g.group,
      role: st.role,
      leader: st.leader,
      leaderRespAddress: st.leader === NO_NODE ? '' : leader.resp,
      leaderAdminAddress: st.leader === NO_NODE ? '' : leader.admin,
      term: st.term,
      commit: st.commit,
      applied: g.applied,
      lastIndex: st.lastIndex,
      firstIndex: g.firstIndex(),
      snapshotIndex: g.snapshotIndex(),
      snapshotBytes: snapshot.bytes,
      snapshotInMemoryBytes: snapshot.inMemoryBytes,
      members,
    };
  }

  /** Ready = a leader is known and this node has applied everything it knows is committed. */
  readiness(): { ready: boolean; reason: string } {
    const st = this.data.status();
    if (st.leader === NO_NODE) return { ready: false, reason: 'no leader known' };
    if (this.data.applied < st.commit)
      return { ready: false, reason: `applying: ${this.data.applied} of ${st.commit}` };
    return { ready: true, reason: 'ok' };
  }

  /**
   * Adds a node as a learner (promoted to voter by the leader once it has caught up).
   * A log never compacted still starts at index 1, where the initial membership is not
   * written: compact it first so that the new node starts from a snapshot that carries it.
   */
  async addMember(id: NodeId, peerAddress: string): Promise<Reply> {
    const g = this.data;
    // A member this node could never reach, or one that would dial another member, would
    // become a voter that never answers: refuse it before it is in any log.
    if (this.transport === undefined)
      throw new RaftError(
        'invalidConfig',
        'this node has no peer port (--peer-port none): it cannot replicate to other members',
      );
    const port = portOf(peerAddress);
    if (!(port >= 1 && port <= 65535))
      throw new RaftError('invalidConfig', `peer address ${peerAddress}: port must be 1-65535`);
    const taken = [...g.book].find(([member, address]) => member !== id && address === peerAddress);
    if (taken !== undefined || (id !== this.options.id && peerAddress === this.peerAddress))
      throw new RaftError(
        'invalidConfig',
        `peer address ${peerAddress} is already member ${taken?.[0] ?? this.options.id}'s`,
      );
    if (g.role === 'leader' && g.firstIndex() <= 1) await g.snapshotNow();
    return g.changeMembership({
      type: 'addLearner',
      node: id,
      context: Buffer.from(peerAddress, 'utf8'),
    });
  }

  /**
   * The voter a leader should hand leadership to before it removes itself: the one whose log
   * matches furthest (it catches up soonest), or undefined when there is none.
   */
  successor(): NodeId | undefined {
    const st = this.data.status();
    let best: NodeId | undefined;
    let bestMatch = -1;
    for (const id of st.conf.voters) {
      if (id === this.options.id) continue;
      const match = Number(st.progress.get(id)?.match ?? -1);
      if (match > bestMatch) {
        best = id;
        bestMatch = match;
      }
    }
    return best;
  }

  removeMember(id: NodeId): Promise<Reply> {
    return this.data.changeMembership({ type: 'removeNode', node: id, context: new Uint8Array(0) });
  }

  /** Starts a leadership transfer; resolves with the leader once `to` leads or the wait ends. */
  async transferLeader(to: NodeId, waitMs: number): Promise<NodeId> {
    const g = this.data;
    g.transferLeadership(to);
    const end = this.options.clock.monotonicMs() + waitMs;
    while (g.leader !== to && this.options.clock.monotonicMs() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return g.leader;
  }

  async stop(): Promise<void> {
    for (const g of this.groups.values()) await g.stop();
    await this.transport?.close();
    await this.log.close();
  }
}
