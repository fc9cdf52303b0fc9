/**
 * Everything a run varies, drawn from the run's seed: so one seed names one whole scenario
 * (cluster size and timing knobs included) and the replay command needs only the seed.
 */
import type { RaftMutation } from '../../src/raft/types.js';
import type { Rng } from '../../src/shared/effects.js';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  /** Scheduler events processed in the chaos phase (healing and the liveness check follow). */
  readonly steps: number;
  readonly mutations?: Partial<Record<RaftMutation, boolean>>;
  /** Print every event as it happens. */
  readonly verbose?: boolean;
  /** Events kept for the failure trace. */
  readonly traceLines?: number;
}

export interface SimParams {
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxMessageBytes: number;
  readonly maxInflightMessages: number;
  readonly maxUncommittedBytes: number;
  readonly snapshotChunkBytes: number;
  readonly fsyncMsMin: number;
  readonly fsyncMsMax: number;
  /** Probability that one fsync is slow (tens of milliseconds). */
  readonly fsyncSlowRate: number;
  readonly nemesisEveryMs: number;
  readonly clients: number;
  readonly keys: number;
  readonly writeRate: number;
  readonly opTimeoutMs: number;
  /** Probability that a node crashes right after it sends an acknowledgement or a vote. */
  readonly buggifyCrashRate: number;
  /** Probability that a node crashes (and restarts within 30 ms) right after granting a vote. */
  readonly voteCrashRate: number;
  /** Probability that a newly elected leader crashes within 20 ms. */
  readonly leaderCrashRate: number;
}

function pick<T>(rng: Rng, choices: readonly T[]): T {
  const choice = choices[rng.int(choices.length)];
  if (choice === undefined) throw new Error('pick from an empty list');
  return choice;
}

export function drawParams(rng: Rng): SimParams {
  return {
    tickMs: 10,
    electionTicks: 10,
    heartbeatTicks: pick(rng, [1, 2, 3, 5]),
    preVote: rng.float() < 0.5,
    checkQuorum: rng.float() < 0.5,
    maxMessageBytes: pick(rng, [1, 64, 64, 1024, 1 << 20]),
    maxInflightMessages: pick(rng, [1, 4, 256]),
    maxUncommittedBytes: pick(rng, [512, 1 << 20]),
    snapshotChunkBytes: pick(rng, [16, 256, 1 << 16]),
    fsyncMsMin: 1,
    fsyncMsMax: pick(rng, [2, 5, 10]),
    fsyncSlowRate: pick(rng, [0, 0.02, 0.1]),
    nemesisEveryMs: pick(rng, [100, 200, 300]),
    clients: pick(rng, [2, 3, 5]),
    keys: pick(rng, [1, 3, 5]),
    writeRate: pick(rng, [0.3, 0.5, 0.7]),
    opTimeoutMs: pick(rng, [200, 500, 1000]),
    buggifyCrashRate: pick(rng, [0, 0.002, 0.01]),
    leaderCrashRate: pick(rng, [0, 0, 0.1, 0.3]),
    voteCrashRate: pick(rng, [0, 0.05, 0.2]),
  };
}

export function describeParams(p: SimParams): string {
  return [
    `hb=${p.heartbeatTicks} preVote=${p.preVote} checkQuorum=${p.checkQuorum}`,
    `msgBytes=${p.maxMessageBytes} inflight=${p.maxInflightMessages} uncommitted=${p.maxUncommittedBytes}`,
    `chunk=${p.snapshotChunkBytes} fsync=${p.fsyncMsMin}-${p.fsyncMsMax}ms slow=${p.fsyncSlowRate}`,
    `nemesis=${p.nemesisEveryMs}ms clients=${p.clients} keys=${p.keys} writes=${p.writeRate}`,
    `timeout=${p.opTimeoutMs}ms buggify=${p.buggifyCrashRate} leaderCrash=${p.leaderCrashRate} voteCrash=${p.voteCrashRate}`,
  ].join(' ');
}
