/**
 * Fault-injection hooks for the consistency harness (jepsen/), off unless the server starts
 * with MEMLAYER_TEST_HOOKS=1. They let a black-box test do what it cannot do from outside a
 * process on one machine:
 *
 *   PUT  /v1/debug/clock              {"offsetMs": n}  skews this node's wall clock by n ms
 *                                                      (the time a leader stamps into entries,
 *                                                      TIME, TTLs); Raft timers use the
 *                                                      monotonic clock and are not affected
 *   POST /v1/debug/crash-before-sync                   the node SIGKILLs itself just before its
 *                                                      next synced Raft log write: whatever
 *                                                      that write held was never durable, as
 *                                                      after a power loss
 *
 * Never enable them in production: anyone who reaches the admin port could crash the node.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../shared/effects.js';

export const TEST_HOOKS_ENV = 'MEMLAYER_TEST_HOOKS';

/** Largest skew accepted: a day either way. */
export const CLOCK_OFFSET_MAX_MS = 86_400_000;

/** A wall clock that can be moved by an offset; the monotonic clock is the base's. */
export class SkewableClock implements Clock {
  offsetMs = 0;
  constructor(private readonly base: Clock) {}
  nowMs(): number {
    return this.base.nowMs() + this.offsetMs;
  }
  monotonicMs(): number {
    return this.base.monotonicMs();
  }
}

export interface TestHooks {
  readonly clock: SkewableClock;
  /** Arms the crash: `crash` runs just before the next synced log write. */
  readonly armCrashBeforeSync: (crash: () => void) => void;
}

export function testHooksEnabled(env: NodeJS.ProcessEnv): boolean {
  return env[TEST_HOOKS_ENV] === '1';
}

const clockBody = {
  type: 'object',
  required: ['offsetMs'],
  additionalProperties: false,
  properties: {
    offsetMs: { type: 'integer', minimum: -CLOCK_OFFSET_MAX_MS, maximum: CLOCK_OFFSET_MAX_MS },
  },
} as const;

/** The routes above, as an admin plugin. `crash` defaults to SIGKILL of this process. */
export function testHookRoutes(
  hooks: TestHooks,
  crash: () => void = () => process.kill(process.pid, 'SIGKILL'),
): (app: FastifyInstance) => void {
  return (app) => {
    app.put<{ Body: { offsetMs: number } }>(
      '/v1/debug/clock',
      { schema: { body: clockBody } },
      async (req) => {
        hooks.clock.offsetMs = req.body.offsetMs;
        return { offsetMs: hooks.clock.offsetMs, nowMs: hooks.clock.nowMs() };
      },
    );
    app.post('/v1/debug/crash-before-sync', async () => {
      hooks.armCrashBeforeSync(crash);
      return { armed: true };
    });
  };
}
