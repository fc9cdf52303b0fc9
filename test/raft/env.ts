/**
 * A small interaction environment for transcript tests (etcd's rafttest.InteractionEnv):
 * in-memory cores, MemoryStorage, an explicit message queue with partitions, and a trivial
 * state machine (the list of applied `normal` entries). Every command returns text; the
 * transcript runner compares it with the expected output in testdata/*.txt.
 */
import { decodeConfChange } from '../../src/raft/codec.js';
import { defaultRaftConfig } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import { MemoryStorage } from '../../src/raft/storage.js';
import {
  RaftError,
  snapshotBytes,
  type ConfChangeType,
  type ConfState,
  type Entry,
  type Message,
  type RaftConfig,
  type RaftMutation,
  type Ready,
} from '../../src/raft/types.js';
import { groupId, logIndex, nodeId, type NodeId } from '../../src/shared/brand.js';
import { SeededRng } from '../../src/shared/effects.js';

export const GROUP = groupId(7);

export interface EnvNode {
  readonly id: NodeId;
  core: RaftNode;
  storage: MemoryStorage;
  /** The state machine: data of every applied normal entry, in order. */
  applied: string[];
  appliedIndex: number;
  conf: ConfState;
  config: RaftConfig;
}

export const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');
export const str = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export function formatEntry(e: Entry): string {
  if (e.type === 'noop') return `${e.index}/${e.term} noop`;
  if (e.type === 'confChange') {
    const cc = decodeConfChange(e.data);
    return `${e.index}/${e.term} conf:${cc.type}(${cc.node})`;
  }
  return `${e.index}/${e.term} ${str(e.data)}`;
}

export function formatMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'append':
      return `${head} prev=${m.index}/${m.logTerm} commit=${m.commit} [${m.entries.map(formatEntry).join(', ')}]`;
    case 'appendResponse':
      return m.reject
        ? `${head} reject index=${m.index} hint=${m.rejectHint}/${m.rejectHintTerm}`
        : `${head} index=${m.index}`;
    case 'vote':
    case 'preVote':
      return `${head} last=${m.index}/${m.logTerm}${m.context.byteLength > 0 ? ' transfer' : ''}`;
    case 'voteResponse':
    case 'preVoteResponse':
      return `${head} ${m.reject ? 'rejected' : 'granted'}`;
    case 'heartbeat':
      return `${head} commit=${m.commit}${ctx(m)}`;
    case 'heartbeatResponse':
      return `${head}${ctx(m)}`;
    case 'snapshotChunk':
    case 'snapshotResponse': {
      const c = m.snapshot;
      if (c === undefined) return `${head} (no chunk)`;
      const snap = `snap=${c.meta.index}/${c.meta.term}`;
      if (m.type === 'snapshotResponse')
        return `${head} ${snap} next=${c.offset}${m.reject ? ' reject' : ''}`;
      return `${head} ${snap} bytes=${c.offset}+${c.data.byteLength}/${c.totalBytes}${c.done ? ' done' : ''}`;
    }
    case 'timeoutNow':
      return head;
    case 'readIndex':
      return `${head}${ctx(m)}`;
    case 'readIndexResponse':
      return `${head} index=${m.index}${ctx(m)}`;
  }
}

function ctx(m: Message): string {
  return m.context.byteLength > 0 ? ` ctx=${str(m.context)}` : '';
}

export interface NodeOptions {
  preVote?: boolean;
  checkQuorum?: boolean;
  readOnly?: 'safe' | 'lease';
  mutations?: RaftMutation[];
  maxMessageBytes?: number;
  maxInflightMessages?: number;
  maxUncommittedBytes?: number;
  snapshotChunkBytes?: number;
}

export class RaftEnv {
  readonly nodes = new Map<number, EnvNode>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Partition: node -> side; unlisted nodes share side 0. Messages across sides are dropped. */
  sides = new Map<number, number>();
  /** Messages held back (delayed, or duplicated) until `unstash-msgs`. */
  stash: Message[] = [];
  private seed = 1;

  node(id: number): EnvNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /**
   * A member boots from MemoryStorage.bootstrap (snapshot at index 1 with the membership, like
   * etcd and the simulator); a node outside `conf` (about to join) starts completely empty.
   */
  addNode(id: number, conf: ConfState, opts: NodeOptions): EnvNode {
    const member = conf.voters.includes(nodeId(id)) || conf.learners.includes(nodeId(id));
    const storage = member ? MemoryStorage.bootstrap(conf, text('[]')) : new MemoryStorage();
    const applied = storage.snapshot().meta.index;
    const config = this.makeConfig(id, storage, applied, opts);
    const n: EnvNode = {
      id: nodeId(id),
      core: new RaftNode(config),
      storage,
      applied: [],
      appliedIndex: applied,
      conf: storage.initialState().conf,
      config,
    };
    this.nodes.set(id, n);
    return n;
  }

  private makeConfig(
    id: number,
    storage: MemoryStorage,
    applied: number,
    opts: NodeOptions,
  ): RaftConfig {
    const base = defaultRaftConfig(
      nodeId(id),
      GROUP,
      storage,
      new SeededRng(this.seed++ * 7919),
      logIndex(applied),
    );
    const mutations: Partial<Record<RaftMutation, boolean>> = {};
    for (const m of opts.mutations ?? []) mutations[m] = true;
    return {
      ...base,
      preVote: opts.preVote ?? base.preVote,
      checkQuorum: opts.checkQuorum ?? base.checkQuorum,
      readOnly: opts.readOnly ?? base.readOnly,
      maxMessageBytes: opts.maxMessageBytes ?? base.maxMessageBytes,
      maxInflightMessages: opts.maxInflightMessages ?? base.maxInflightMessages,
      maxUncommittedBytes: opts.maxUncommittedBytes ?? base.maxUncommittedBytes,
      snapshotChunkBytes: opts.snapshotChunkBytes ?? base.snapshotChunkBytes,
      mutations,
    };
  }

  /** Restarts a node from its storage: the state machine reloads the snapshot (in-memory DB). */
  restart(id: number): void {
    const n = this.node(id);
    const snap = n.storage.snapshot();
    n.applied = snap.meta.index > 0 ? (JSON.parse(str(snapshotBytes(snap.data))) as string[]) : [];
    n.appliedIndex = snap.meta.index;
    n.conf = n.storage.initialState().conf;
    n.config = { ...n.config, applied: logIndex(snap.meta.index) };
    n.core = new RaftNode(n.config);
    this.queue = this.queue.filter((m) => m.to !== n.id && m.from !== n.id);
  }

  /** Handles one Ready the way a host must (types.ts Ready): persist, send, apply, advance. */
  processReady(id: number, out: string[]): boolean {
    const n = this.node(id);
    if (!n.core.hasReady()) return false;
    const rd = n.core.ready();
    describeReady(rd, out);
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    for (const m of rd.messages) this.queue.push(m);
    if (rd.snapshot !== undefined) this.installSnapshot(n, rd);
    for (const e of rd.committedEntries) this.apply(n, e, out);
    n.core.advance(rd);
    return true;
  }

  private installSnapshot(n: EnvNode, rd: Ready): void {
    const snap = rd.snapshot;
    if (snap === undefined) return;
    n.applied = JSON.parse(str(snapshotBytes(snap.data))) as string[];
    n.appliedIndex = snap.meta.index;
    n.conf = snap.meta.conf;
  }

  private apply(n: EnvNode, e: Entry, out: string[]): void {
    if (e.index !== n.appliedIndex + 1)
      throw new Error(`node ${n.id} applied ${e.index} after ${n.appliedIndex}`);
    n.appliedIndex = e.index;
    if (e.type === 'normal') n.applied.push(str(e.data));
    if (e.type === 'confChange') {
      n.conf = n.core.applyConfChange(decodeConfChange(e.data));
      n.storage.setConf(n.conf);
      out.push(
        `  conf applied: voters=(${n.conf.voters.join(',')}) learners=(${n.conf.learners.join(',')})`,
      );
    }
  }

  /** Delivers every queued message addressed to `id` (or to everyone), dropping cut-off ones. */
  deliver(id: number | undefined, out: string[]): number {
    const keep: Message[] = [];
    const take: Message[] = [];
    for (const m of this.queue) (id === undefined || m.to === id ? take : keep).push(m);
    this.queue = keep;
    let delivered = 0;
    for (const m of take) {
      if (m.group !== GROUP) throw new Error(`message without the group id: ${formatMessage(m)}`);
      const cut = (this.sides.get(m.from) ?? 0) !== (this.sides.get(m.to) ?? 0);
      const dest = this.nodes.get(m.to);
      if (cut || dest === undefined) {
        out.push(`  dropped: ${formatMessage(m)}`);
        continue;
      }
      out.push(`  ${formatMessage(m)}`);
      dest.core.step(m);
      delivered++;
    }
    return delivered;
  }

  /** Runs Ready handling and delivery until nothing moves. */
  stabilize(out: string[]): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const id of [...this.nodes.keys()].sort((a, b) => a - b)) {
        const lines: string[] = [];
        if (this.processReady(id, lines)) {
          out.push(`> ${id} handling Ready`, ...lines);
          moved = true;
        }
      }
      for (const id of [...this.nodes.keys()].sort((a, b) => a - b)) {
        if (!this.queue.some((m) => m.to === id)) continue;
        out.push(`> ${id} receiving messages`);
        this.deliver(id, out);
        moved = true;
      }
      if (!moved) return;
    }
    throw new Error('stabilize: no fixpoint after 1000 rounds');
  }

  confChange(id: number, type: ConfChangeType, target: number): void {
    this.node(id).core.proposeConfChange({
      type,
      node: nodeId(target),
      context: new Uint8Array(0),
    });
  }

  /** Snapshots node `id`'s state machine at `index` (<= applied) and compacts its log. */
  compact(id: number, index: number): void {
    const n = this.node(id);
    if (index > n.appliedIndex)
      throw new RaftError('unavailable', `compact ${index} beyond applied ${n.appliedIndex}`);
    // The state machine image at `index` = the normal entries applied up to it.
    const image = this.imageAt(n, index);
    n.storage.createSnapshot(logIndex(index), n.conf, text(JSON.stringify(image)));
    n.storage.compact(logIndex(index));
  }

  private imageAt(n: EnvNode, index: number): string[] {
    const snap = n.storage.snapshot();
    const base = snap.meta.index > 0 ? (JSON.parse(str(snapshotBytes(snap.data))) as string[]) : [];
    if (index === snap.meta.index) return base;
    const entries = n.storage.entries(
      logIndex(snap.meta.index + 1),
      logIndex(index + 1),
      Number.MAX_SAFE_INTEGER,
    );
    for (const e of entries) if (e.type === 'normal') base.push(str(e.data));
    return base;
  }
}

export function describeReady(rd: Ready, out: string[]): void {
  if (rd.softState !== undefined)
    out.push(`  soft: ${rd.softState.role} leader=${rd.softState.leader}`);
  const hs = rd.hardState;
  if (hs !== undefined)
    out.push(
      `  hard: term=${hs.term} vote=${hs.vote} commit=${hs.commit}${rd.mustSync ? '' : ' (no sync)'}`,
    );
  if (rd.snapshot !== undefined) {
    const m = rd.snapshot.meta;
    out.push(
      `  snapshot: ${m.index}/${m.term} voters=(${m.conf.voters.join(',')}) learners=(${m.conf.learners.join(',')})`,
    );
  }
  if (rd.entries.length > 0) out.push(`  entries: ${rd.entries.map(formatEntry).join(', ')}`);
  if (rd.committedEntries.length > 0)
    out.push(`  apply: ${rd.committedEntries.map(formatEntry).join(', ')}`);
  for (const m of rd.messages) out.push(`  send: ${formatMessage(m)}`);
  for (const rs of rd.readStates)
    out.push(`  read-state: index=${rs.index} ctx=${str(rs.context)}`);
}
