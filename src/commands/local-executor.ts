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

export class LocalExecutor implements Executor {
  private index: number;
  private readonly env = new ReusableEnv();

  /** `startIndex`: the index already applied (after a snapshot restore, the keyspace's). */
  constructor(
    private readonly stateMachine: StateMachine,
    private readonly clock: Clock,
    startIndex = stateMachine.db.applyIndex,
  ) {
    this.index = startIndex;
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

  private next(): ApplyEnv {
    const env = this.env;
    env.index = ++this.index;
    env.nowMs = this.clock.nowMs();
    return env;
  }
}
