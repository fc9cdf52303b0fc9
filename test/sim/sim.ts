/**
 * The whole-cluster simulator: N replicas (SimNode), a simulated network, disks and clock, and a
 * single-threaded scheduler, all driven by one seed. `runSimulation` runs a chaos phase of
 * `steps` scheduler events (faults from faults.ts, clients from clients.ts), then heals every
 * fault and checks liveness (liveness.ts). Safety invariants (checker.ts) are checked as each
 * event's effects happen; the first violation stops the run with a trace.
 */
import { NO_NODE, RaftError, type Entry, type Message, type NodeId } from '../../src/raft/types.js';
import { groupId, logIndex, nodeId, term } from '../../src/shared/brand.js';
import { SeededRng, type Rng } from '../../src/shared/effects.js';
import { decodeConfChange } from '../../src/raft/codec.js';
import { Checker, Violation, type InvariantName } from './checker.js';
import { Clients } from './clients.js';
import { Faults } from './faults.js';
import { KvStore } from './kv.js';
import { SimNode, type ConfigOverrides, type HostWorld } from './host.js';
import { checkLiveness } from './liveness.js';
import { SimNetwork } from './network.js';
import { describeParams, drawParams, type SimOptions, type SimParams } from './params.js';
import { EventQueue } from './scheduler.js';
import { TraceRing } from './trace.js';

export type SimEvent =
  | { readonly kind: 'tick' }
  | { readonly kind: 'deliver'; readonly message: Message }
  | { readonly kind: 'fsync'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'unreachable'; readonly node: NodeId; readonly peer: NodeId }
  | { readonly kind: 'nemesis' }
  | { readonly kind: 'crash'; readonly node: NodeId; readonly downMs: number }
  | { readonly kind: 'restart'; readonly node: NodeId }
  | { readonly kind: 'isolate'; readonly node: NodeId }
  | { readonly kind: 'heal'; readonly epoch: number }
  | { readonly kind: 'shutdown'; readonly node: NodeId }
  | { readonly kind: 'clientNext'; readonly client: number }
  | { readonly kind: 'clientArrive'; readonly op: number }
  | { readonly kind: 'clientTimeout'; readonly op: number };

export interface SimStats {
  steps: number;
  simTimeMs: number;
  leaderTerms: number;
  crashes: number;
  writesLost: number;
  pauses: number;
  partitions: number;
  confChanges: number;
  transfers: number;
  compactions: number;
  snapshotsInstalled: number;
  writesAcked: number;
  readsServed: number;
  opsFailed: number;
  delivered: number;
  dropped: number;
  committed: number;
}

export interface SimResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly nodes: number;
  readonly steps: number;
  readonly params: string;
  readonly stats: SimStats;
  /** A hash of the event sequence: equal for two runs of the same seed. */
  readonly digest: number;
  readonly violation?: { readonly invariant: InvariantName; readonly message: string };
  readonly trace: readonly string[];
  readonly replay: string;
}

export const GROUP = groupId(1);

export class Simulation implements HostWorld {
  readonly checker = new Checker();
  readonly queue = new EventQueue<SimEvent>();
  readonly nodes = new Map<NodeId, SimNode>();
  readonly params: SimParams;
  readonly network: SimNetwork;
  readonly faultRng: Rng;
  readonly clientRng: Rng;
  readonly diskRng: Rng;
  private readonly seedRng: Rng;
  readonly clients: Clients;
  readonly faults: Faults;
  readonly traceRing: TraceRing;
  readonly stats: SimStats = {
    steps: 0,
    simTimeMs: 0,
    leaderTerms: 0,
    crashes: 0,
    writesLost: 0,
    pauses: 0,
    partitions: 0,
    confChanges: 0,
    transfers: 0,
    compactions: 0,
    snapshotsInstalled: 0,
    writesAcked: 0,
    readsServed: 0,
    opsFailed: 0,
    delivered: 0,
    dropped: 0,
    committed: 0,
  };
  nowMs = 0;
  step = 0;
  /** 'chaos' injects faults; 'heal' and 'final' only let the cluster recover. */
  phase: 'chaos' | 'heal' = 'chaos';
  /** Smallest voter count ever applied anywhere: the durability quorum is a majority of it. */
  votersMin: number;
  private digest = 0x811c9dc5;
  private readonly confChangesApplied = new Set<number>();
  private readonly overrides: ConfigOverrides;

  constructor(readonly options: SimOptions) {
    const master = new SeededRng(options.seed);
    const derive = (): Rng => new SeededRng(master.int(0x1_0000_0000));
    this.params = drawParams(derive());
    this.network = new SimNetwork(derive());
    this.faultRng = derive();
    this.clientRng = derive();
    this.diskRng = derive();
    this.seedRng = derive();
    this.traceRing = new TraceRing(
      options.traceLines ?? 60,
      options.verbose === true ? (line) => console.log(line) : undefined,
    );
    this.votersMin = options.nodes;
    const p = this.params;
    this.overrides = {
      electionTicks: p.electionTicks,
      heartbeatTicks: p.heartbeatTicks,
      preVote: p.preVote,
      checkQuorum: p.checkQuorum,
      maxMessageBytes: p.maxMessageBytes,
      maxInflightMessages: p.maxInflightMessages,
      maxUncommittedBytes: p.maxUncommittedBytes,
      snapshotChunkBytes: p.snapshotChunkBytes,
      ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
    };
    this.clients = new Clients(this);
    this.faults = new Faults(this);
  }

  // ---- HostWorld -------------------------------------------------------------------------

  trace(text: string): void {
    this.traceRing.add(this.step, this.nowMs, text);
  }

  send(from: SimNode, message: Message): void {
    if (message.group !== GROUP) {
      throw new Violation('readyContract', `n${from.id} sent a message for group ${message.group}`);
    }
    const target = this.nodes.get(message.to);
    if (!this.network.canDeliver(message.from, message.to) || target === undefined || !target.up) {
      this.stats.dropped++;
      if (this.faultRng.float() < 0.5) {
        this.schedule(0, { kind: 'unreachable', node: from.id, peer: message.to });
      }
      return;
    }
    for (const delayMs of this.network.delays())
      this.schedule(delayMs, { kind: 'deliver', message });
    this.faults.maybeCrashAfterSend(from, message);
  }

  scheduleFsync(node: SimNode): void {
    const p = this.params;
    const slow = p.fsyncSlowRate > 0 && this.diskRng.float() < p.fsyncSlowRate;
    const delayMs = slow
      ? 20 + this.diskRng.int(60)
      : p.fsyncMsMin + this.diskRng.int(p.fsyncMsMax - p.fsyncMsMin + 1);
    this.schedule(delayMs, { kind: 'fsync', node: node.id, incarnation: node.incarnation });
  }

  onApplied(node: SimNode, entry: Entry, key: string | undefined): void {
    if (entry.index > this.stats.committed) this.stats.committed = entry.index;
    if (entry.type === 'confChange') this.onConfApplied(node, entry);
    else if (key !== undefined) this.clients.onApplied(node, entry, key);
  }

  onReadState(node: SimNode, context: string, readIndex: number): void {
    this.clients.onReadState(node, context, readIndex);
  }

  onNewLeader(node: SimNode): void {
    this.trace(`n${node.id} leads term ${node.term}`);
    this.faults.maybeCrashNewLeader(node);
  }

  onLeaderCommit(node: SimNode): void {
    this.faults.maybeIsolateAfterCommit(node);
  }

  // ---- plumbing ----------------------------------------------------------------------------

  schedule(delayMs: number, event: SimEvent): void {
    this.queue.push(this.nowMs + delayMs, event);
  }

  newNodeRng(): Rng {
    return new SeededRng(this.seedRng.int(0x1_0000_0000));
  }

  addNode(id: NodeId, boot: readonly NodeId[] | undefined): SimNode {
    const image =
      boot === undefined
        ? undefined
        : {
            snapshot: {
              meta: {
                index: logIndex(1),
                term: term(1),
                conf: { voters: [...boot], learners: [] },
              },
              data: new KvStore().encode(),
            },
            hardState: { term: term(1), vote: NO_NODE, commit: logIndex(1) },
          };
    const node = new SimNode(id, GROUP, image, this.overrides, this);
    this.nodes.set(id, node);
    this.startNode(node);
    return node;
  }

  startNode(node: SimNode): void {
    this.guard(node, 'start', () => node.start(this.newNodeRng()));
  }

  /** Runs `fn` against a node's core; anything it throws other than a Violation is a core bug. */
  guard(node: SimNode, what: string, fn: () => void): void {
    try {
      fn();
    } catch (error: unknown) {
      if (error instanceof Violation) throw error;
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Violation('coreError', `n${node.id} ${what} threw ${text}`);
    }
  }

  /** Drives a node's core once and lets the host loop take whatever Ready follows. */
  drive(node: SimNode, what: string, fn: () => void): void {
    this.guard(node, what, () => {
      fn();
      node.observe();
      node.pump();
    });
  }

  /** Like drive(), but RaftError (an operating error such as notLeader) is returned, not fatal. */
  tryDrive(node: SimNode, what: string, fn: () => void): RaftError | undefined {
    let failure: RaftError | undefined;
    this.drive(node, what, () => {
      try {
        fn();
      } catch (error: unknown) {
        if (!(error instanceof RaftError)) throw error;
        failure = error;
      }
    });
    return failure;
  }

  liveNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up && !n.removed);
  }

  /** The up node that believes it leads the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const node of this.nodes.values()) {
      if (!node.up || node.removed || node.role !== 'leader') continue;
      if (best === undefined || node.term > best.term) best = node;
    }
    return best;
  }

  crash(node: SimNode, downMs: number | undefined): void {
    if (!node.up) return;
    const lost = node.crash(this.diskRng);
    this.stats.crashes++;
    this.stats.writesLost += lost;
    this.trace(
      `CRASH n${node.id} (lost ${lost} unsynced writes)${downMs === undefined ? '' : `, restart in ${downMs}ms`}`,
    );
    if (downMs !== undefined) this.schedule(downMs, { kind: 'restart', node: node.id });
    const disks = [...this.nodes.values()].map((n) => ({
      node: n.id,
      storage: n.disk.durableImage,
    }));
    this.checker.checkDurable(disks, Math.floor(this.votersMin / 2) + 1);
  }

  private onConfApplied(node: SimNode, entry: Entry): void {
    this.confChangesApplied.add(entry.index);
    if (node.conf.voters.length < this.votersMin) this.votersMin = node.conf.voters.length;
    const change = decodeConfChange(entry.data);
    if (change.type !== 'removeNode') return;
    const removed = this.nodes.get(change.node);
    if (removed === undefined || removed.removed) return;
    // Committed (it was applied): the operator now stops the removed server.
    removed.removed = true;
    this.schedule(this.faultRng.int(300), { kind: 'shutdown', node: removed.id });
  }

  // ---- the event loop ---------------------------------------------------------------------

  run(): SimResult {
    let violation: Violation | undefined;
    try {
      this.boot();
      while (this.step < this.options.steps) {
        if (!this.runOne()) break;
      }
      checkLiveness(this);
    } catch (error: unknown) {
      if (!(error instanceof Violation)) throw error;
      violation = error;
      this.trace(`VIOLATION ${error.message}`);
    }
    return this.result(violation);
  }

  private boot(): void {
    const ids = Array.from({ length: this.options.nodes }, (_, i) => nodeId(i + 1));
    this.trace(`boot seed=${this.options.seed} nodes=${ids.length} ${describeParams(this.params)}`);
    for (const id of ids) this.addNode(id, ids);
    this.schedule(this.params.tickMs, { kind: 'tick' });
    this.schedule(this.params.nemesisEveryMs, { kind: 'nemesis' });
    this.clients.start();
  }

  /** Processes one event; false when the queue is empty. */
  runOne(): boolean {
    const item = this.queue.pop();
    if (item === undefined) return false;
    this.nowMs = item.timeMs;
    this.step++;
    this.hashEvent(item.event);
    this.handle(item.event);
    return true;
  }

  /** Runs events until simulated time passes `untilMs` or `done()` holds. */
  runUntil(untilMs: number, done: () => boolean): boolean {
    while (!done()) {
      if (this.queue.peekTimeMs() > untilMs) {
        this.nowMs = Math.max(this.nowMs, untilMs);
        return false;
      }
      if (!this.runOne()) return false;
    }
    return true;
  }

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'tick':
        return this.onTick();
      case 'deliver':
        return this.onDeliver(event.message);
      case 'fsync':
        return this.onFsync(event);
      case 'unreachable':
        return this.onUnreachable(event.node, event.peer);
      case 'nemesis':
        return this.faults.onNemesis();
      case 'crash':
        return this.faults.onCrashEvent(event.node, event.downMs);
      case 'restart':
        return this.faults.onRestart(event.node);
      case 'isolate':
        return this.faults.onIsolate(event.node);
      case 'heal':
        return this.faults.onHeal(event.epoch);
      case 'shutdown':
        return this.faults.onShutdown(event.node);
      case 'clientNext':
        return this.clients.onNext(event.client);
      case 'clientArrive':
        return this.clients.onArrive(event.op);
      case 'clientTimeout':
        return this.clients.onTimeout(event.op);
    }
  }

  private onTick(): void {
    this.schedule(this.params.tickMs, { kind: 'tick' });
    for (const node of this.nodes.values()) {
      if (!node.up || node.removed || node.pausedUntilMs > this.nowMs) continue;
      this.drive(node, 'tick', () => node.core?.tick());
    }
  }

  private onDeliver(message: Message): void {
    const target = this.nodes.get(message.to);
    if (target === undefined || !target.up || !this.network.canDeliver(message.from, message.to)) {
      this.stats.dropped++;
      return;
    }
    if (target.pausedUntilMs > this.nowMs) {
      this.queue.push(target.pausedUntilMs, { kind: 'deliver', message });
      return;
    }
    this.stats.delivered++;
    this.trace(describeMessage(message));
    this.drive(target, `step(${message.type})`, () => target.core?.step(message));
  }

  private onFsync(event: { readonly node: NodeId; readonly incarnation: number }): void {
    const node = this.nodes.get(event.node);
    if (node === undefined || !node.up || node.incarnation !== event.incarnation) return;
    if (node.pausedUntilMs > this.nowMs) {
      this.queue.push(node.pausedUntilMs, {
        kind: 'fsync',
        node: event.node,
        incarnation: event.incarnation,
      });
      return;
    }
    this.guard(node, 'fsync/advance', () => node.writeDone(event.incarnation));
  }

  private onUnreachable(id: NodeId, peer: NodeId): void {
    const node = this.nodes.get(id);
    if (node === undefined || !node.up || node.pausedUntilMs > this.nowMs) return;
    this.drive(node, 'reportUnreachable', () => node.core?.reportUnreachable(peer));
  }

  private hashEvent(event: SimEvent): void {
    let h = this.digest;
    h = Math.imul(h ^ (this.nowMs & 0xffffffff), 16777619);
    h = Math.imul(h ^ event.kind.length, 16777619);
    if (event.kind === 'deliver') {
      h = Math.imul(h ^ (event.message.from * 31 + event.message.to), 16777619);
      h = Math.imul(h ^ event.message.index, 16777619);
    }
    this.digest = h >>> 0;
  }

  private result(violation: Violation | undefined): SimResult {
    this.stats.steps = this.step;
    this.stats.simTimeMs = this.nowMs;
    this.stats.leaderTerms = this.checker.leaderTerms;
    this.stats.snapshotsInstalled = 0;
    for (const node of this.nodes.values())
      this.stats.snapshotsInstalled += node.snapshotsInstalled;
    this.stats.confChanges = this.confChangesApplied.size;
    const o = this.options;
    const mutationFlags = Object.entries(o.mutations ?? {})
      .filter(([, on]) => on === true)
      .map(([name]) => ` --mutation ${name}`)
      .join('');
    return {
      ok: violation === undefined,
      seed: o.seed,
      nodes: o.nodes,
      steps: o.steps,
      params: describeParams(this.params),
      stats: this.stats,
      digest: this.digest,
      ...(violation === undefined
        ? {}
        : { violation: { invariant: violation.invariant, message: violation.message } }),
      trace: violation === undefined ? [] : this.traceRing.lines(),
      replay: `npm run sim -- --seed ${o.seed} --nodes ${o.nodes} --steps ${o.steps}${mutationFlags}`,
    };
  }
}

export function describeMessage(m: Message): string {
  const parts = [`deliver ${m.type} n${m.from}->n${m.to} t${m.term}`];
  if (m.index !== 0 || m.logTerm !== 0) parts.push(`i${m.index}/t${m.logTerm}`);
  if (m.entries.length > 0) parts.push(`ents${m.entries.length}`);
  if (m.commit !== 0) parts.push(`c${m.commit}`);
  if (m.reject) parts.push(`REJECT(hint ${m.rejectHint}/t${m.rejectHintTerm})`);
  if (m.snapshot !== undefined)
    parts.push(
      `snap i${m.snapshot.meta.index} @${m.snapshot.offset}${m.snapshot.done ? ' done' : ''}`,
    );
  return parts.join(' ');
}

export function runSimulation(options: SimOptions): SimResult {
  return new Simulation(options).run();
}
