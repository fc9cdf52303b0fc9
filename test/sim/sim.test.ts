/**
 * CI run of the seeded simulator: a few hundred seeds over 1 to 7 replicas must keep every
 * safety invariant and finish live; a seed must replay exactly; and the checker itself must
 * reject each kind of violation it claims to catch (so that a passing run means something).
 * Long runs: `npm run sim -- --seeds 100000`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logIndex, nodeId, term } from '../../src/shared/brand.js';
import { MemoryStorage } from '../../src/raft/storage.js';
import type { Entry } from '../../src/raft/types.js';
import { Checker, Violation } from './checker.js';
import { formatFailure, nodesForSeed } from './report.js';
import { runSimulation } from './sim.js';

const CI_SEEDS = 300;
const CI_STEPS = 3000;

function entry(index: number, t: number, text: string): Entry {
  return {
    index: logIndex(index),
    term: term(t),
    type: 'normal',
    data: Buffer.from(text, 'latin1'),
  };
}

function violationOf(fn: () => void): string {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof Violation) return error.invariant;
    throw error;
  }
  return 'none';
}

describe('raft simulator (CI seeds)', () => {
  it(`keeps every invariant on ${CI_SEEDS} seeds over 1 to 7 replicas`, () => {
    let steps = 0;
    for (let seed = 1; seed <= CI_SEEDS; seed++) {
      const result = runSimulation({ seed, nodes: nodesForSeed(seed), steps: CI_STEPS });
      if (!result.ok) assert.fail(formatFailure(result));
      steps += result.stats.steps;
      // Each run must have done real work, or "no violation" would be hollow.
      assert.ok(result.stats.leaderTerms > 0, `seed ${seed}: no leader ever elected`);
      assert.ok(result.stats.committed > 1, `seed ${seed}: nothing committed`);
    }
    assert.ok(steps >= CI_SEEDS * CI_STEPS);
  });

  it('exercises every fault kind across the CI seeds', () => {
    const totals = {
      crashes: 0,
      partitions: 0,
      pauses: 0,
      confChanges: 0,
      transfers: 0,
      compactions: 0,
      writesAcked: 0,
      readsServed: 0,
      writesLost: 0,
    };
    for (let seed = 1; seed <= 30; seed++) {
      const { stats } = runSimulation({ seed, nodes: nodesForSeed(seed), steps: CI_STEPS });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += stats[key];
    }
    for (const [key, value] of Object.entries(totals))
      assert.ok(value > 0, `no ${key} in 30 seeds`);
  });

  it('replays a seed exactly (same events, same outcome)', () => {
    const a = runSimulation({ seed: 4242, nodes: 5, steps: 3000 });
    const b = runSimulation({ seed: 4242, nodes: 5, steps: 3000 });
    const c = runSimulation({ seed: 4243, nodes: 5, steps: 3000 });
    assert.equal(a.digest, b.digest);
    assert.deepEqual(a.stats, b.stats);
    assert.notEqual(a.digest, c.digest);
    assert.equal(a.replay, 'npm run sim -- --seed 4242 --nodes 5 --steps 3000');
  });
});

describe('checker rejects what it claims to', () => {
  it('electionSafety: two leaders in one term', () => {
    const checker = new Checker();
    checker.onLeader(nodeId(1), 3);
    checker.onLeader(nodeId(1), 3);
    checker.onLeader(nodeId(2), 4);
    assert.equal(
      violationOf(() => checker.onLeader(nodeId(3), 3)),
      'electionSafety',
    );
  });

  it('logMatching: same (index, term), different data', () => {
    const checker = new Checker();
    const a = new MemoryStorage({ entries: [entry(1, 1, 'set a 1')] });
    const b = new MemoryStorage({ entries: [entry(1, 1, 'set a 2')] });
    checker.onLogWrite(nodeId(1), [entry(1, 1, 'set a 1')], a);
    assert.equal(
      violationOf(() => checker.onLogWrite(nodeId(2), [entry(1, 1, 'set a 2')], b)),
      'logMatching',
    );
  });

  it('stateMachineSafety: two different entries committed at one index', () => {
    const checker = new Checker();
    checker.onCommitted(nodeId(1), entry(5, 2, 'set a 1'), 2);
    checker.onCommitted(nodeId(2), entry(5, 2, 'set a 1'), 3);
    assert.equal(
      violationOf(() => checker.onCommitted(nodeId(3), entry(5, 3, 'set a 9'), 3)),
      'stateMachineSafety',
    );
  });

  it('leaderCompleteness: a later leader lacks a committed entry', () => {
    const checker = new Checker();
    checker.onCommitted(nodeId(1), entry(1, 1, 'set a 1'), 1);
    checker.onCommitted(nodeId(1), entry(2, 1, 'set a 2'), 1);
    const short = new MemoryStorage({ entries: [entry(1, 1, 'set a 1')] });
    assert.equal(
      violationOf(() => checker.onLeaderLog(nodeId(2), 2, short)),
      'leaderCompleteness',
    );
    // An entry of an old term committed by a later leader does not bind the leaders between.
    checker.onCommitted(nodeId(1), entry(3, 1, 'set a 3'), 5);
    const between = new MemoryStorage({
      entries: [entry(1, 1, 'set a 1'), entry(2, 1, 'set a 2'), entry(3, 4, 'noop')],
    });
    assert.equal(
      violationOf(() => checker.onLeaderLog(nodeId(3), 4, between)),
      'none',
    );
    assert.equal(
      violationOf(() => checker.onLeaderLog(nodeId(3), 6, between)),
      'leaderCompleteness',
    );
  });

  it('durability: a committed entry on fewer disks than a quorum', () => {
    const checker = new Checker();
    checker.onCommitted(nodeId(1), entry(1, 1, 'set a 1'), 1);
    const has = new MemoryStorage({ entries: [entry(1, 1, 'set a 1')] });
    const lacks = new MemoryStorage();
    const disks = [
      { node: nodeId(1), storage: has },
      { node: nodeId(2), storage: has },
      { node: nodeId(3), storage: lacks },
    ];
    assert.equal(
      violationOf(() => checker.checkDurable(disks, 2)),
      'none',
    );
    assert.equal(
      violationOf(() => checker.checkDurable(disks, 3)),
      'durability',
    );
  });

  it('linearizability: a read older than an acknowledged write', () => {
    const checker = new Checker();
    checker.onWriteAcked('k', 7);
    const bounds = checker.readBounds('k');
    assert.equal(
      violationOf(() => checker.onReadServed(nodeId(1), 'k', bounds, 7, 7)),
      'none',
    );
    assert.equal(
      violationOf(() => checker.onReadServed(nodeId(1), 'k', bounds, 6, 7)),
      'linearizability',
    );
    assert.equal(
      violationOf(() => checker.onReadServed(nodeId(1), 'k', bounds, 9, 5)),
      'linearizability',
    );
    // Bounds are taken at invocation: a read begun before the ack may miss the write.
    const early = new Checker().readBounds('k');
    assert.equal(
      violationOf(() => checker.onReadServed(nodeId(2), 'k', early, 3, 3)),
      'none',
    );
  });
});
