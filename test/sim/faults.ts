/**
 * The nemesis: every `nemesisEveryMs` it may inject one fault, each undone after a random
 * while. Crashes (one, the leader, a majority, all), pauses, partitions (isolate one, isolate the
 * leader, majority/minority, majorities-ring, one-way), link faults (drop, duplicate, delay),
 * membership changes (add learner -> promote once caught up -> remove), leadership transfers and
 * compactions, bursts of leader churn. Plus "buggify" points: a node may crash right after
 * sending an acknowledgement, a new leader may crash moments after its election.
 */
import { nodeId } from '../../src/shared/brand.js';
import type { ConfChangeType, Message, NodeId } from '../../src/raft/types.js';
import type { Rng } from '../../src/shared/effects.js';
import type { SimNode } from './host.js';
import type { LinkFaults } from './network.js';
import type { Simulation } from './sim.js';

type Action = (f: Faults) => void;

const ACTIONS: readonly (readonly [number, Action])[] = [
  [3, (f) => f.crashSome('one')],
  [2, (f) => f.crashSome('leader')],
  [0.4, (f) => f.crashSome('majority')],
  [0.3, (f) => f.crashSome('all')],
  [1, (f) => f.pause(false)],
  [1, (f) => f.pause(true)],
  [4, (f) => f.partition()],
  [1, (f) => f.linkFaults()],
  [3, (f) => f.membership()],
  [1, (f) => f.transfer()],
  [3, (f) => f.churn()],
  [3, (f) => f.compact()],
  [3, () => undefined],
];
const ACTION_WEIGHT = ACTIONS.reduce((sum, [w]) => sum + w, 0);
const ACK_TYPES = new Set([
  'voteResponse',
  'preVoteResponse',
  'appendResponse',
  'snapshotResponse',
]);
/** At most this many nodes are ever added beyond the initial ones. */
const ADDED_NODES_MAX = 4;

export class Faults {
  private partitionEpoch = 0;
  private nextId: number;
  /** A node created for addLearner whose change has not (yet) reached any configuration. */
  private spare: SimNode | undefined;
  private churnUntilMs = 0;
  private readonly isolateOnCommit = new Set<NodeId>();

  constructor(private readonly sim: Simulation) {
    this.nextId = sim.options.nodes + 1;
  }

  private get rng(): Rng {
    return this.sim.faultRng;
  }

  onNemesis(): void {
    if (this.sim.phase !== 'chaos') return;
    this.sim.schedule(this.sim.params.nemesisEveryMs, { kind: 'nemesis' });
    // A churn burst runs alone: its leader hopping needs the rest of the cluster steady.
    if (this.churnUntilMs > this.sim.nowMs) return;
    let roll = this.rng.float() * ACTION_WEIGHT;
    for (const [weight, action] of ACTIONS) {
      roll -= weight;
      if (roll < 0) return action(this);
    }
  }

  private randomOf<T>(items: readonly T[]): T | undefined {
    return items[this.rng.int(items.length)];
  }

  private downMs(): number {
    return 10 + this.rng.int(this.rng.float() < 0.3 ? 50 : 800);
  }

  crashSome(pattern: 'one' | 'leader' | 'majority' | 'all'): void {
    const live = this.sim.liveNodes();
    let victims: SimNode[];
    if (pattern === 'one') victims = live.slice(this.rng.int(live.length)).slice(0, 1);
    else if (pattern === 'leader')
      victims = [this.sim.leader() ?? live[0]].filter((n) => n !== undefined);
    else {
      victims = shuffle(this.rng, live);
      if (pattern === 'majority') victims = victims.slice(0, Math.floor(live.length / 2) + 1);
    }
    for (const node of victims) this.sim.crash(node, this.downMs());
  }

  onCrashEvent(id: NodeId, downMs: number): void {
    const node = this.sim.nodes.get(id);
    if (node === undefined || node.removed || this.sim.phase !== 'chaos') return;
    this.sim.crash(node, downMs);
  }

  onRestart(id: NodeId): void {
    const node = this.sim.nodes.get(id);
    if (node === undefined || node.up || node.removed) return;
    this.sim.trace(`RESTART n${id}`);
    this.sim.startNode(node);
  }

  onShutdown(id: NodeId): void {
    const node = this.sim.nodes.get(id);
    if (node === undefined) return;
    this.sim.trace(`SHUTDOWN removed n${id}`);
    this.sim.crash(node, undefined);
  }

  /** Buggify: crash right after promising something (a vote, an ack), then come back soon. */
  maybeCrashAfterSend(from: SimNode, message: Message): void {
    if (this.sim.phase !== 'chaos' || message.reject || !ACK_TYPES.has(message.type)) return;
    // A granted vote is the most dangerous promise to forget: crash right after it, often.
    const rate =
      message.type === 'voteResponse'
        ? this.sim.params.voteCrashRate
        : this.sim.params.buggifyCrashRate;
    if (rate === 0 || this.rng.float() >= rate) return;
    this.sim.schedule(0, {
      kind: 'crash',
      node: from.id,
      downMs: 1 + this.rng.int(message.type === 'voteResponse' ? 30 : 100),
    });
  }

  /**
   * Buggify: a leader dies moments after its election, before its no-op reaches a majority.
   * Leaders that come and go this way leave the diverging uncommitted suffixes of Raft's
   * Figure 8, which is what the commit rule of §5.4.2 is about.
   */
  maybeCrashNewLeader(node: SimNode): void {
    if (this.sim.phase !== 'chaos') return;
    if (this.churnUntilMs > this.sim.nowMs) {
      // Leader hopping: each new leader is cut off at once, or right after its first commit,
      // while clients keep writing to it, so isolated leaders grow suffixes no one else has
      // and the next leaders are elected over them (Raft Figure 8). Crashes mix in.
      const roll = this.rng.float();
      if (roll < 0.4) this.isolate(node, 'new leader, churn', 50 + this.rng.int(400));
      else if (roll < 0.8) this.isolateOnCommit.add(node.id);
      else
        this.sim.schedule(this.rng.int(30), {
          kind: 'crash',
          node: node.id,
          downMs: 1 + this.rng.int(60),
        });
      return;
    }
    const rate = this.sim.params.leaderCrashRate;
    if (rate === 0 || this.rng.float() >= rate) return;
    this.sim.schedule(this.rng.int(20), {
      kind: 'crash',
      node: node.id,
      downMs: 1 + this.rng.int(200),
    });
  }

  onIsolate(id: NodeId): void {
    const node = this.sim.nodes.get(id);
    if (node === undefined || !node.up || node.removed || this.sim.phase !== 'chaos') return;
    this.isolate(node, 'leader, churn', 50 + this.rng.int(250));
  }

  private isolate(node: SimNode, why: string, ms: number): void {
    const members = [...this.sim.nodes.values()].filter((n) => !n.removed).map((n) => n.id);
    this.sim.network.split(
      [[node.id], members.filter((m) => m !== node.id)],
      `isolate n${node.id} (${why})`,
    );
    this.startPartition(ms);
  }

  /**
   * Buggify, during churn: a leader is cut off the moment its commit index moves, so what it
   * sent along with that commit (the rest of its term's entries) is lost in flight.
   */
  maybeIsolateAfterCommit(node: SimNode): void {
    if (!this.isolateOnCommit.delete(node.id) || this.sim.phase !== 'chaos') return;
    if (this.churnUntilMs <= this.sim.nowMs) return;
    this.isolate(node, 'leader, just committed', 200 + this.rng.int(600));
  }

  private startPartition(ms: number = 50 + this.rng.int(1500)): void {
    this.sim.stats.partitions++;
    const epoch = ++this.partitionEpoch;
    this.sim.trace(`PARTITION ${this.sim.network.partitionDescription} for ${ms}ms`);
    this.sim.schedule(ms, { kind: 'heal', epoch });
  }

  /** A burst of leader churn: most leaders elected in the next while crash at once. */
  churn(): void {
    const ms = 500 + this.rng.int(1500);
    this.churnUntilMs = this.sim.nowMs + ms;
    this.sim.trace(`CHURN leaders for ${ms}ms`);
    const leader = this.sim.leader();
    if (leader !== undefined) this.isolate(leader, 'leader, churn', 50 + this.rng.int(400));
  }

  pause(leader: boolean): void {
    const node = leader ? this.sim.leader() : this.randomOf(this.sim.liveNodes());
    if (node === undefined) return;
    const ms = 20 + this.rng.int(600);
    node.pausedUntilMs = Math.max(node.pausedUntilMs, this.sim.nowMs + ms);
    this.sim.stats.pauses++;
    this.sim.trace(`PAUSE n${node.id} for ${ms}ms`);
  }

  partition(): void {
    const members = [...this.sim.nodes.values()].filter((n) => !n.removed).map((n) => n.id);
    const net = this.sim.network;
    const kind = this.rng.int(5);
    if (kind === 0 || kind === 1) {
      const target =
        kind === 1 ? (this.sim.leader()?.id ?? this.randomOf(members)) : this.randomOf(members);
      if (target === undefined) return;
      net.split(
        [[target], members.filter((m) => m !== target)],
        `isolate n${target}${kind === 1 ? ' (leader)' : ''}`,
      );
    } else if (kind === 2) {
      const order = shuffle(this.rng, members);
      const cut = Math.floor(order.length / 2);
      net.split(
        [order.slice(0, cut), order.slice(cut)],
        `minority [${order.slice(0, cut).join(',')}] | majority [${order.slice(cut).join(',')}]`,
      );
    } else if (kind === 3) {
      net.ring(shuffle(this.rng, members));
    } else {
      const [a, b] = shuffle(this.rng, members);
      if (a === undefined || b === undefined) return;
      net.oneWay(a, b);
    }
    this.startPartition();
  }

  onHeal(epoch: number): void {
    if (epoch !== this.partitionEpoch || !this.sim.network.partitioned) return;
    this.sim.network.heal();
    this.sim.trace('HEAL network');
  }

  linkFaults(): void {
    const rng = this.rng;
    const faults: LinkFaults = {
      dropRate: pickOf(rng, [0, 0, 0.01, 0.05, 0.2]),
      duplicateRate: pickOf(rng, [0, 0.02, 0.1]),
      delayMsMin: 1,
      delayMsMax: pickOf(rng, [3, 10, 40]),
      slowRate: pickOf(rng, [0, 0.02, 0.1]),
      slowDelayMsMax: pickOf(rng, [100, 300]),
    };
    this.sim.network.faults = faults;
    this.sim.trace(
      `LINKS drop=${faults.dropRate} dup=${faults.duplicateRate} delay<=${faults.delayMsMax}ms slow=${faults.slowRate}`,
    );
  }

  /** Add learner -> promote once caught up -> remove: one change at a time. */
  membership(): void {
    const leader = this.sim.leader();
    const core = leader?.core;
    if (leader === undefined || core === undefined) return;
    const conf = leader.conf;
    const learner = conf.learners[0];
    const n = this.sim.options.nodes;
    if (learner !== undefined) {
      const progress = core.status().progress.get(learner);
      if (progress !== undefined && progress.match >= leader.applied)
        this.propose(leader, 'promote', learner);
      return;
    }
    const votersMax = n + 1;
    const votersMin = Math.max(3, n - 1);
    if (
      conf.voters.length < votersMax &&
      this.nextId <= n + ADDED_NODES_MAX &&
      this.rng.float() < 0.6
    ) {
      this.spare = this.spare ?? this.sim.addNode(nodeId(this.nextId++), undefined);
      this.propose(leader, 'addLearner', this.spare.id);
      return;
    }
    const victim = this.randomOf(conf.voters);
    if (conf.voters.length > votersMin && victim !== undefined)
      this.propose(leader, 'removeNode', victim);
  }

  private propose(leader: SimNode, type: ConfChangeType, node: NodeId): void {
    const data = { type, node, context: new Uint8Array(0) };
    const failure = this.sim.tryDrive(leader, 'proposeConfChange', () =>
      leader.core?.proposeConfChange(data),
    );
    this.sim.trace(
      `CONF ${type} n${node} via n${leader.id}${failure === undefined ? '' : ` refused: ${failure.code}`}`,
    );
    // Only a fresh node joins as a learner; once proposed it is no longer spare.
    if (type === 'addLearner' && failure === undefined) this.spare = undefined;
  }

  transfer(): void {
    const leader = this.sim.leader();
    if (leader === undefined) return;
    const target = this.randomOf(leader.conf.voters.filter((v) => v !== leader.id));
    if (target === undefined) return;
    this.sim.stats.transfers++;
    this.sim.trace(`TRANSFER leadership n${leader.id} -> n${target}`);
    this.sim.tryDrive(leader, 'transferLeadership', () => leader.core?.transferLeadership(target));
  }

  compact(): void {
    const node = this.rng.float() < 0.5 ? this.sim.leader() : this.randomOf(this.sim.liveNodes());
    if (node === undefined || node.pausedUntilMs > this.sim.nowMs) return;
    if (node.compact()) this.sim.stats.compactions++;
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

function pickOf<T>(rng: Rng, items: readonly T[]): T {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
