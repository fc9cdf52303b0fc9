/**
 * CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, with Redis 6.2+ semantics:
 *
 * - ALL postpones every command of every client (CLIENT UNPAUSE and CLIENT PAUSE included, as in
 *   Redis: an ALL pause can only run out); WRITE postpones commands flagged `write` or
 *   `may_replicate` in the command table, and EXEC of a transaction that queued one. A command
 *   rejected before the pause stage (unknown, wrong arity, NOAUTH) is answered at once.
 * - A postponed command keeps its connection waiting (the protocol layer parses nothing more of
 *   it until the reply settles), so each connection's commands still run in order; when the
 *   pause ends the postponed commands run again through the dispatcher, oldest first.
 * - A new pause replaces the mode and keeps the later of the two end times (Redis'
 *   pauseActions): a shorter pause never shortens a running one.
 *
 * The dispatcher reads `mode` alone on its hot path: undefined while nothing is paused.
 */
import { ErrorReply, OK, type Reply } from '../reply.js';
import { parseDecimal } from '../../config/config.js';

export type PauseMode = 'write' | 'all';

/** The timers a pause needs; injected so tests can drive time. */
export interface PauseTimers {
  /** Runs `run` after `delayMs`; returns a cancel function. */
  after(run: () => void, delayMs: number): () => void;
  /** Runs `run` in a later event-loop turn, after pending I/O callbacks and microtasks. */
  soon(run: () => void): void;
}

export const realPauseTimers: PauseTimers = {
  after: (run, delayMs) => {
    // Unreferenced: a pause must not keep a stopping process alive.
    const timer = setTimeout(run, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
  soon: (run) => {
    setImmediate(run);
  },
};

/** A postponed command: who sent it, how to run it, and how to give it up unrun. */
interface Postponed {
  readonly owner: object;
  readonly resume: () => void;
  readonly drop: () => void;
}

/** Node fires a setTimeout longer than 2^31-1 ms at once; longer pauses re-arm in steps. */
const TIMER_DELAY_MAX_MS = 2_147_483_647;

export const TIMEOUT_NOT_INTEGER = new ErrorReply('ERR timeout is not an integer or out of range');
export const TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');
export const TIMEOUT_OUT_OF_RANGE = new ErrorReply('ERR timeout is out of range');
export const BAD_PAUSE_MODE = new ErrorReply('ERR CLIENT PAUSE mode must be WRITE or ALL');

export class ClientPause {
  /** The mode in force; undefined when nothing is paused. */
  mode: PauseMode | undefined = undefined;
  /** Unix ms when the pause ends; 0 when not paused. */
  private endMs = 0;
  private cancelTimer: (() => void) | undefined;
  /** Postponed commands, oldest first. */
  private postponed: Postponed[] = [];

  constructor(
    private readonly nowMs: () => number,
    private readonly timers: PauseTimers = realPauseTimers,
  ) {}

  /** Commands waiting for the pause to end (INFO clients `blocked_clients`, as Redis counts them). */
  get postponedCount(): number {
    return this.postponed.length;
  }

  /** Pauses until `endMs` (or later, if a running pause ends later). */
  pause(mode: PauseMode, endMs: number): void {
    this.mode = mode;
    if (endMs > this.endMs) this.endMs = endMs;
    this.arm();
  }

  /** Ends the pause; the postponed commands run once the current batch of work is done. */
  unpause(): void {
    this.mode = undefined;
    this.endMs = 0;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const resumed = this.postponed;
    if (resumed.length === 0) return;
    this.postponed = [];
    this.resumeFrom(resumed, 0);
  }

  /**
   * Runs the postponed commands oldest first, one per event-loop turn: as Redis handles one
   * unblocked client at a time, each resumed client's pipelined commands that follow run
   * before the next client resumes, and the command that unpaused finishes first.
   */
  private resumeFrom(resumed: readonly Postponed[], next: number): void {
    this.timers.soon(() => {
      resumed[next]?.resume();
      if (next + 1 < resumed.length) this.resumeFrom(resumed, next + 1);
    });
  }

  /**
   * Queues a postponed command of `owner`: `resume` runs it when the pause ends; `drop` gives
   * it up unrun if its client is killed first.
   */
  postpone(owner: object, resume: () => void, drop: () => void): void {
    this.postponed.push({ owner, resume, drop });
  }

  /** `owner` is being killed: its postponed command never runs. True if it had one. */
  drop(owner: object): boolean {
    const index = this.postponed.findIndex((postponed) => postponed.owner === owner);
    if (index < 0) return false;
    const [dropped] = this.postponed.splice(index, 1);
    dropped?.drop();
    return true;
  }

  /** `owner` disconnected: its postponed command will never run (nor count as blocked). */
  forget(owner: object): void {
    if (this.postponed.length === 0) return;
    this.postponed = this.postponed.filter((postponed) => postponed.owner !== owner);
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const remainingMs = this.endMs - this.nowMs();
    if (remainingMs <= 0) {
      this.unpause();
      return;
    }
    this.cancelTimer = this.timers.after(
      () => this.arm(),
      Math.min(remainingMs, TIMER_DELAY_MAX_MS),
    );
  }
}

/**
 * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout, and the timeout is
 * Redis' getTimeoutFromObjectOrReply in milliseconds (0 = a pause that is already over).
 */
export function clientPauseCommand(
  pause: ClientPause,
  args: readonly string[],
  nowMs: number,
): Reply {
  let mode: PauseMode = 'all';
  if (args.length === 4) {
    const raw = (args[3] ?? '').toLowerCase();
    if (raw === 'write') mode = 'write';
    else if (raw !== 'all') return BAD_PAUSE_MODE;
  }
  // string2ll accepts up to 2^63; beyond a safe integer this answers "not an integer".
  const timeoutMs = parseDecimal(args[2] ?? '');
  if (timeoutMs === undefined) return TIMEOUT_NOT_INTEGER;
  if (timeoutMs < 0) return TIMEOUT_NEGATIVE;
  if (timeoutMs > Number.MAX_SAFE_INTEGER - nowMs) return TIMEOUT_OUT_OF_RANGE;
  pause.pause(mode, timeoutMs === 0 ? 0 : nowMs + timeoutMs);
  return OK;
}
