/**
 * The executor of a single in-memory node: every request is applied at once, synchronously, to
 * the local state machine. It plays the log's part: it stamps each request with the time from
 * the Clock and the next value of a local index, exactly what a Raft entry would carry.
 */
import type { Clock, Rng } from '../shared/effects.js';
import type { ApplyEnv } from '../store/keyspace.js';
import type { DataRequest, Executor } from './executor.js';
import type { Reply } from './reply.js';
import { envFor, type StateMachine } from './state-machine.js';

/**
 * One reusable environment: the fast path allocates no env per command. The RNG is made (by
 * `envFor`, the same derivation replicas use) only when a handler asks for it. Safe because
 * application is synchronous and handlers do not keep `env` beyond their call.
 */
class ReusableEnv implements ApplyEnv {
  nowMs = 0;
  index = 0;
  private rngForIndex = -1;
  private rngCached: Rng | undefined;

  get rng(): Rng {
    if (this.rngCached === undefined || this.rngForIndex !== this.index) {
      this.rngCached = envFor(this.index, this.nowMs).rng;
      this.rngForIndex = this.index;
    }
    return this.rngCached;
  }
}

/**
 * Reads the clock once per event-loop turn: commands parsed from one socket read (a pipeline)
 * share one timestamp, as if they arrived together. A clock read costs more than a GET's whole
 * keyspace work on this hardware (it is a system call in some VMs); the cache is dropped by a
 * microtask, i.e. as soon as the current batch of synchronous work ends.
 */
export class TurnClock {
  private cachedMs = 0;
  private valid = false;
  private readonly invalidate = (): void => {
    this.valid = false;
  };

  constructor(private readonly clock: Clock) {}

  nowMs(): number {
    if (this.valid) return this.cachedMs;
    this.valid = true;
    queueMicrotask(this.invalidate);
    this.cachedMs = this.clock.nowMs();
    return this.cachedMs;
  }
}

export class LocalExecutor implements Executor {
  private index: number;
  private readonly env = new ReusableEnv();
  private readonly turnClock: TurnClock;

  /** `startIndex`: the index already applied (after a snapshot restore, the keyspace's). */
  constructor(
    private readonly stateMachine: StateMachine,
    clock: Clock,
    startIndex = stateMachine.db.applyIndex,
  ) {
    this.index = startIndex;
    this.turnClock = new TurnClock(clock);
  }

  executeOne(args: readonly string[], _write: boolean): Reply {
    return this.stateMachine.applyOne(args, this.next());
  }

  execute(request: DataRequest): Reply {
    return this.stateMachine.apply(request, this.next());
  }

  appliedIndex(): number {
    return this.index;
  }

  /** A single node's state is always current. */
  readLocal(args: readonly string[]): Reply {
    return this.executeOne(args, false);
  }

  /** Everything is answered at once: nothing to gain from packing. */
  packs(): boolean {
    return false;
  }

  private next(): ApplyEnv {
    const env = this.env;
    env.index = ++this.index;
    env.nowMs = this.turnClock.nowMs();
    return env;
  }
}
