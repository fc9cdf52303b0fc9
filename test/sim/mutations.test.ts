/**
 * Mutation tests: each deliberate bug behind RaftConfig.mutations must be caught by the
 * simulator within a bounded number of seeds, and the catching seed must pass without the
 * mutation (so it is the bug that was caught, not noise). A mutation that survives means the
 * simulator has a blind spot.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RaftMutation } from '../../src/raft/types.js';
import type { InvariantName } from './checker.js';
import { formatFailure, nodesForSeed } from './report.js';
import { runSimulation, type SimResult } from './sim.js';

const SEEDS_MAX = 300;
// Longer runs than the CI seeds: more elections per seed for the rarer schedules (Figure 8).
const STEPS = 8000;

/** The invariant each bug should break (any safety invariant is accepted; this is the usual). */
const EXPECTED: Readonly<Record<RaftMutation, readonly InvariantName[]>> = {
  skipNoopOnElection: ['linearizability', 'liveness'],
  commitOldTermByCounting: [
    'leaderCompleteness',
    'stateMachineSafety',
    'linearizability',
    'durability',
  ],
  forgetVotePersist: ['electionSafety', 'leaderCompleteness', 'stateMachineSafety', 'logMatching'],
  readIndexWithoutHeartbeat: ['linearizability'],
  grantVoteWithoutLogCheck: [
    'leaderCompleteness',
    'stateMachineSafety',
    'linearizability',
    'logMatching',
  ],
  loneVoterReadsAtOnce: ['linearizability'],
};

function hunt(mutation: RaftMutation): SimResult | undefined {
  for (let seed = 1; seed <= SEEDS_MAX; seed++) {
    const result = runSimulation({
      seed,
      nodes: nodesForSeed(seed),
      steps: STEPS,
      mutations: { [mutation]: true },
    });
    if (!result.ok) return result;
  }
  return undefined;
}

describe('simulator catches every deliberate core bug', () => {
  for (const mutation of Object.keys(EXPECTED) as RaftMutation[]) {
    it(`catches ${mutation} within ${SEEDS_MAX} seeds`, () => {
      const caught = hunt(mutation);
      assert.ok(caught !== undefined, `${mutation} survived ${SEEDS_MAX} seeds`);
      const invariant = caught.violation?.invariant;
      assert.ok(
        invariant !== undefined && EXPECTED[mutation].includes(invariant),
        `${mutation} was caught as ${String(invariant)}:\n${formatFailure(caught)}`,
      );
      assert.match(caught.replay, new RegExp(`--mutation ${mutation}$`));
      const clean = runSimulation({ seed: caught.seed, nodes: caught.nodes, steps: caught.steps });
      assert.ok(
        clean.ok,
        `seed ${caught.seed} fails without the mutation too:\n${formatFailure(clean)}`,
      );
    });
  }
});
