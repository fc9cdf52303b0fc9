/**
 * `maxmemory`: an Executor around the real one (local or Raft) that does what Redis'
 * processCommand does before a command when a limit is set (src/server.c, src/evict.c):
 *
 *   over the limit?  -> evict keys by the policy, deleting them with `__evicted` through the
 *                       executor, i.e. through the log, so every replica applies the same deletes;
 *   still over, and the command is `denyoom`?  -> -OOM, nothing applied.
 *
 * It also records accesses for the LRU/LFU policies (node-local metadata, src/store/access.ts)
 * after each command, for the keys named by the command's key positions, skipping the commands
 * Redis looks keys up for without touching them (EXISTS, TYPE, TTL, OBJECT, SCAN...).
 *
 * Cost when off: with maxmemory 0 and a policy that needs no access tracking (the default
 * noeviction) there is no monitor, and each command costs one field check and one call more;
 * the keyspace's change hook is one field check. Nothing is looked up or allocated.
 *
 * Replicated mode: only the leader evicts (the node that accepts writes), from its own clients'
 * commands and from the cron; a follower neither evicts nor answers -OOM (the leader's sweep
 * brings memory down for everyone). A key written again between its choice and the delete's
 * turn in the log is kept (`__evicted` deletes only keys unchanged since the choice).
 */
import { getHeapStatistics } from 'node:v8';
import type { MemoryStatus, RuntimeConfig } from '../config/config.js';
import type { Clock } from '../shared/effects.js';
import { SeededRng } from '../shared/effects.js';
import {
  Evictor,
  isEvictionPolicy,
  KeyMonitor,
  tracksAccess,
  type EvictionPolicy,
} from '../store/eviction.js';
import type { Keyspace } from '../store/keyspace.js';
import type { DataRequest, Executor } from './executor.js';
import { TurnClock } from './local-executor.js';
import type { AnySpec } from './registry.js';
import { ErrorReply, type Reply } from './reply.js';
import type { KeySpec } from './spec.js';

export const OOM = new ErrorReply("OOM command not allowed when used memory > 'maxmemory'.");
export const OOM_EXECABORT = new ErrorReply(
  `EXECABORT Transaction discarded because of: ${OOM.text}`,
);

/** Keys deleted by one eviction DEL at most (one log entry). */
const EVICTION_KEYS_PER_DEL = 64;
/** Seed of the node-local RNG (LFU increments, *-random): no need to differ between runs. */
const EVICTION_RNG_SEED = 0x5eed;

/**
 * Commands that name keys but do not count as an access (Redis looks them up with
 * LOOKUP_NOTOUCH or not at all). TOUCH is absent on purpose: touching is its job.
 */
const NO_TOUCH = new Set([
  'exists',
  'type',
  'ttl',
  'pttl',
  'expiretime',
  'pexpiretime',
  'object',
  'scan',
  'keys',
  'randomkey',
  'dbsize',
]);

/** What eviction did this round (Redis performEvictions' EVICT_OK / EVICT_RUNNING / EVICT_FAIL). */
type Outcome = 'ok' | 'running' | 'fail';

export interface MemoryGuardOptions {
  readonly inner: Executor;
  readonly db: Keyspace;
  readonly table: ReadonlyMap<string, AnySpec>;
  readonly config: RuntimeConfig;
  readonly clock: Clock;
  /** V8 heap in use at startup, before data: the non-data part of used_memory. */
  readonly startupBytes: number;
  /** Whether this node decides evictions (the leader; always true on a single node). */
  readonly evicts: () => boolean;
}

export class MemoryGuard implements Executor, MemoryStatus {
  readonly startupBytes: number;
  evictedKeys = 0;
  private monitor: KeyMonitor | undefined;
  private limitBytes = 0;
  private policy: EvictionPolicy = 'noeviction';
  private readonly inner: Executor;
  private readonly evictor = new Evictor(new SeededRng(EVICTION_RNG_SEED));
  private readonly turnClock: TurnClock;
  /** By the exact names clients send (`set`, `SET`); other spellings are lower-cased. */
  private readonly denyoom = new Set<string>();
  private readonly touchKeys = new Map<string, KeySpec>();
  /** The eviction DEL in flight under Raft: later commands wait for it instead of choosing. */
  private evicting: Promise<Outcome> | undefined;

  constructor(private readonly o: MemoryGuardOptions) {
    this.inner = o.inner;
    this.startupBytes = o.startupBytes;
    this.turnClock = new TurnClock(o.clock);
    for (const spec of o.table.values()) {
      const names = [spec.name, spec.name.toUpperCase()];
      if (spec.flags.includes('denyoom')) for (const name of names) this.denyoom.add(name);
      if (spec.kind === 'data' && spec.keys.first > 0 && !NO_TOUCH.has(spec.name))
        for (const name of names) this.touchKeys.set(name, spec.keys);
    }
    o.config.memory = this;
    this.settingsChanged();
  }

  // ---- Executor ---------------------------------------------------------------------------

  executeOne(args: readonly string[], write: boolean): Reply | Promise<Reply> {
    const monitor = this.monitor;
    if (monitor === undefined) return this.inner.executeOne(args, write);
    return this.guard(monitor, [args], false, () => this.inner.executeOne(args, write));
  }

  readLocal(args: readonly string[]): Reply | Promise<Reply> {
    const monitor = this.monitor;
    if (monitor === undefined) return this.inner.readLocal(args);
    return this.runAndTouch(() => this.inner.readLocal(args), [args], this.turnClock.nowMs());
  }

  execute(request: DataRequest): Reply | Promise<Reply> {
    const monitor = this.monitor;
    if (monitor === undefined) return this.inner.execute(request);
    return this.guard(monitor, request.commands, request.transaction, () =>
      this.inner.execute(request),
    );
  }

  appliedIndex(): number {
    return this.inner.appliedIndex();
  }

  role(): 'master' | 'replica' {
    return this.inner.role?.() ?? 'master';
  }

  /**
   * Not while memory is watched: a refused pack would answer OOM to every command in it, reads
   * too, where Redis refuses only the commands that may grow memory.
   */
  packs(write: boolean): boolean {
    return this.monitor === undefined && this.inner.packs(write);
  }

  // ---- MemoryStatus -----------------------------------------------------------------------

  usedBytes(): number | undefined {
    const monitor = this.monitor;
    if (monitor === undefined || this.limitBytes === 0) return undefined;
    return this.startupBytes + monitor.flush();
  }

  datasetBytes(): number | undefined {
    return this.monitor?.flush();
  }

  /** maxmemory, the policy or a tuning parameter changed: switch tracking on or off. */
  settingsChanged(): void {
    const options = this.o.config.options;
    const policy = isEvictionPolicy(options.maxmemoryPolicy)
      ? options.maxmemoryPolicy
      : 'noeviction';
    const wanted = options.maxmemoryBytes > 0 || tracksAccess(policy);
    // LRU stamps and LFU counters do not convert: switching between them starts afresh.
    const modeChanged =
      this.monitor !== undefined && this.monitor.access.mode !== KeyMonitor.modeFor(policy);
    this.limitBytes = options.maxmemoryBytes;
    this.policy = policy;
    if (!wanted || modeChanged) this.stopMonitor();
    if (wanted && this.monitor === undefined) this.startMonitor();
    const monitor = this.monitor;
    if (monitor !== undefined) {
      monitor.accounting.samples = options.maxmemorySamples;
      monitor.access.lfu.logFactor = options.lfuLogFactor;
      monitor.access.lfu.decayMinutes = options.lfuDecayTimeMinutes;
    }
  }

  private startMonitor(): void {
    const options = this.o.config.options;
    const lfu = { logFactor: options.lfuLogFactor, decayMinutes: options.lfuDecayTimeMinutes };
    const monitor = KeyMonitor.create(
      this.o.db,
      this.policy,
      options.maxmemorySamples,
      lfu,
      this.o.clock.nowMs(),
      new SeededRng(EVICTION_RNG_SEED),
    );
    this.monitor = monitor;
    this.o.db.observer = monitor;
  }

  private stopMonitor(): void {
    this.monitor = undefined;
    this.o.db.observer = undefined;
    this.evictor.reset();
  }

  // ---- housekeeping -------------------------------------------------------------------------

  /** From the server's timer: keep the estimate current and keep evicting while over. */
  cron(): void {
    const monitor = this.monitor;
    if (monitor === undefined) return;
    monitor.flush();
    if (this.limitBytes > 0 && this.evicting === undefined && this.o.evicts())
      void this.evict(monitor, this.o.clock.nowMs());
  }

  // ---- the guard ----------------------------------------------------------------------------

  private guard(
    monitor: KeyMonitor,
    commands: readonly (readonly string[])[],
    transaction: boolean,
    run: () => Reply | Promise<Reply>,
  ): Reply | Promise<Reply> {
    const nowMs = this.turnClock.nowMs();
    if (this.limitBytes === 0 || !this.o.evicts()) return this.runAndTouch(run, commands, nowMs);
    const outcome = this.evicting ?? this.evict(monitor, nowMs);
    if (outcome instanceof Promise)
      return outcome.then((settled) =>
        this.admit(settled, monitor, commands, transaction, run, nowMs),
      );
    return this.admit(outcome, monitor, commands, transaction, run, nowMs);
  }

  /** Redis: a denyoom command is refused only if eviction failed to get under the limit. */
  private admit(
    outcome: Outcome,
    monitor: KeyMonitor,
    commands: readonly (readonly string[])[],
    transaction: boolean,
    run: () => Reply | Promise<Reply>,
    nowMs: number,
  ): Reply | Promise<Reply> {
    const refused =
      outcome === 'fail' && this.overBytes(monitor) > 0 && commands.some((c) => this.deniesOom(c));
    if (refused) return transaction ? OOM_EXECABORT : OOM;
    return this.runAndTouch(run, commands, nowMs);
  }

  private deniesOom(args: readonly string[]): boolean {
    const name = args[0] ?? '';
    return this.denyoom.has(name) || this.denyoom.has(name.toLowerCase());
  }

  private overBytes(monitor: KeyMonitor): number {
    return this.startupBytes + monitor.flush() - this.limitBytes;
  }

  /**
   * Deletes keys chosen by the policy until under the limit, for at most the tenacity's time
   * (Redis evictionTimeLimitUs). Synchronous with a synchronous executor; under Raft each DEL
   * is awaited (one in flight, shared by every command that arrives meanwhile).
   */
  private evict(
    monitor: KeyMonitor,
    nowMs: number,
    deadlineMs = this.o.clock.monotonicMs() + timeLimitMs(this.o.config.options),
    overBefore = Number.POSITIVE_INFINITY,
  ): Outcome | Promise<Outcome> {
    let overLast = overBefore;
    for (;;) {
      const over = this.overBytes(monitor);
      if (over <= 0) return 'ok';
      // A round that freed nothing (the DEL failed) would repeat forever at tenacity 100.
      if (over >= overLast) return 'fail';
      overLast = over;
      const keys = this.evictor.choose(
        monitor,
        this.o.db,
        this.policy,
        this.o.config.options.maxmemorySamples,
        over,
        EVICTION_KEYS_PER_DEL,
        nowMs,
      );
      if (keys.length === 0) return 'fail';
      // Chosen from the state as of this index: the delete spares a key written since.
      const asOf = String(this.o.db.applyIndex);
      const reply = this.inner.executeOne(['__evicted', asOf, ...keys], true);
      if (reply instanceof Promise)
        return this.awaitEviction(reply, monitor, nowMs, deadlineMs, over);
      this.countEvicted(reply);
      if (this.o.clock.monotonicMs() >= deadlineMs) return 'running';
    }
  }

  private awaitEviction(
    reply: Promise<Reply>,
    monitor: KeyMonitor,
    nowMs: number,
    deadlineMs: number,
    overBefore: number,
  ): Promise<Outcome> {
    const evicting = reply.then(
      (settled): Outcome | Promise<Outcome> => {
        this.countEvicted(settled);
        this.evicting = undefined;
        if (this.monitor !== monitor) return 'ok';
        if (this.o.clock.monotonicMs() >= deadlineMs) return 'running';
        return this.evict(monitor, nowMs, deadlineMs, overBefore);
      },
      (): Outcome => {
        this.evicting = undefined;
        return 'running';
      },
    );
    this.evicting = evicting;
    return evicting;
  }

  private countEvicted(reply: Reply): void {
    if (typeof reply === 'number') this.evictedKeys += reply;
  }

  /** Runs the command, then records the access to its keys (they exist once it has run). */
  private runAndTouch(
    run: () => Reply | Promise<Reply>,
    commands: readonly (readonly string[])[],
    nowMs: number,
  ): Reply | Promise<Reply> {
    const reply = run();
    if (reply instanceof Promise) {
      return reply.then((settled) => {
        this.touch(commands, nowMs);
        return settled;
      });
    }
    this.touch(commands, nowMs);
    return reply;
  }

  private touch(commands: readonly (readonly string[])[], nowMs: number): void {
    const monitor = this.monitor;
    if (monitor === undefined) return;
    const data = this.o.db.data;
    for (const args of commands) {
      const name = args[0] ?? '';
      const keys = this.touchKeys.get(name) ?? this.touchKeys.get(name.toLowerCase());
      if (keys === undefined) continue;
      const last = keys.last < 0 ? args.length + keys.last : Math.min(keys.last, args.length - 1);
      for (let i = keys.first; i <= last; i += Math.max(1, keys.step)) {
        const key = args[i];
        if (key !== undefined && data.has(key)) monitor.access.touch(key, nowMs);
      }
    }
  }
}

/**
 * Redis evictionTimeLimitUs: 50 µs per tenacity step up to 10 (500 µs at the default), then
 * 15% more per step, unlimited at 100 (then only running out of candidates stops it).
 */
export function timeLimitMs(options: { readonly maxmemoryEvictionTenacity: number }): number {
  const tenacity = options.maxmemoryEvictionTenacity;
  if (tenacity <= 10) return (50 * tenacity) / 1000;
  if (tenacity < 100) return (500 * 1.15 ** (tenacity - 10)) / 1000;
  return Number.POSITIVE_INFINITY;
}

/** V8 heap in use now (startup baseline of used_memory; ~1.5 µs per call, not per command). */
export function heapUsedBytes(): number {
  return getHeapStatistics().used_heap_size;
}
