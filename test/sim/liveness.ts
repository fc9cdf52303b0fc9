/**
 * The end of every run: heal every fault (network, pauses, crashed nodes restarted from their
 * disks, calm links), stop the clients and the nemesis, let the cluster settle, then require
 * progress:
 * 1. a leader exists (within HEAL_TICKS of healing);
 * 2. after a leadership transfer to another voter, a new-term leader serves a linearizable read
 *    with no write to help it (a leader must commit its term's no-op by itself: RedisRaft #19);
 * 3. a final write commits and every live voter applies it.
 */
import type { NodeId } from '../../src/raft/types.js';
import { Violation } from './checker.js';
import type { ClientOp } from './clients.js';
import type { SimNode } from './host.js';
import { CALM_LINKS } from './network.js';
import type { Simulation } from './sim.js';

/** Ticks the healed cluster gets to elect a leader (dueling candidates without pre-vote can take a while). */
const HEAL_TICKS = 300;
const STAGE_TICKS = 150;
const FINAL_CLIENT = -1;

export function checkLiveness(sim: Simulation): void {
  heal(sim);
  const tickMs = sim.params.tickMs;
  sim.runUntil(sim.nowMs + sim.params.electionTicks * tickMs, () => false);
  sim.runUntil(sim.nowMs + HEAL_TICKS * tickMs, () => sim.leader() !== undefined);
  const first = requireLeader(sim, 'after healing all faults');
  const target = first.conf.voters.find((v) => v !== first.id && sim.nodes.get(v)?.up === true);
  if (target !== undefined) {
    sim.trace(`FINAL transfer leadership n${first.id} -> n${target}`);
    sim.tryDrive(first, 'transferLeadership', () => first.core?.transferLeadership(target));
    sim.runUntil(sim.nowMs + 3 * sim.params.electionTicks * tickMs, () => false);
  }
  const read = runOp(sim, 'read', 'final read');
  if (read?.ok !== true)
    throw new Violation(
      'liveness',
      `no linearizable read served in a healed cluster within ${STAGE_TICKS} ticks`,
    );
  const write = runOp(sim, 'write', 'final write');
  if (write?.ok !== true)
    throw new Violation(
      'liveness',
      `final write not committed in a healed cluster within ${STAGE_TICKS} ticks`,
    );
  awaitEverywhere(sim, write.index);
}

function heal(sim: Simulation): void {
  sim.phase = 'heal';
  sim.clients.stopped = true;
  sim.network.heal();
  sim.network.faults = CALM_LINKS;
  for (const node of sim.nodes.values()) {
    node.pausedUntilMs = 0;
    if (!node.up && !node.removed) sim.startNode(node);
  }
  sim.trace('FINAL heal everything; clients stopped');
}

function requireLeader(sim: Simulation, when: string): SimNode {
  const leader = sim.leader();
  if (leader === undefined) throw new Violation('liveness', `no leader ${when}`);
  return leader;
}

/** Sends one operation to the current leader, retrying on a new leader, until it succeeds. */
function runOp(sim: Simulation, kind: 'read' | 'write', what: string): ClientOp | undefined {
  const deadlineMs = sim.nowMs + STAGE_TICKS * sim.params.tickMs;
  let op: ClientOp | undefined;
  let target: NodeId | undefined;
  while (sim.nowMs < deadlineMs) {
    if (!sim.runUntil(deadlineMs, () => sim.leader() !== undefined)) return op;
    const leader = sim.leader();
    if (leader === undefined) return op;
    if (op === undefined || op.done || target !== leader.id) {
      target = leader.id;
      op = sim.clients.invoke(FINAL_CLIENT, kind, 'k0', leader.id);
      sim.trace(`FINAL ${what} via n${leader.id}`);
    }
    const current = op;
    sim.runUntil(deadlineMs, () => current.done || sim.leader()?.id !== target);
    if (current.done && current.ok) return current;
  }
  return op;
}

function awaitEverywhere(sim: Simulation, index: number): void {
  const deadlineMs = sim.nowMs + STAGE_TICKS * sim.params.tickMs;
  const voters = (): SimNode[] => {
    const leader = sim.leader();
    const ids = leader === undefined ? [] : leader.conf.voters;
    return ids.map((id) => sim.nodes.get(id)).filter((n): n is SimNode => n !== undefined && n.up);
  };
  const done = (): boolean => voters().every((n) => n.applied >= index);
  if (!sim.runUntil(deadlineMs, done)) {
    const lagging = voters()
      .filter((n) => n.applied < index)
      .map((n) => `n${n.id}@${n.applied}`);
    throw new Violation(
      'liveness',
      `final write at index ${index} not applied by every voter: ${lagging.join(', ')}`,
    );
  }
}
