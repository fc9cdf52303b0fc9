/**
 * The replicated state machine: applies data requests to the keyspace. Deterministic: the same
 * sequence of (request, env) gives the same replies and the same state on every replica, because
 * handlers read time and randomness only from `ApplyEnv` (stamped into or derived from the log
 * entry) and the client-session cache changes only in log order.
 *
 * Callers: the local executor (single node: every command, index = a local counter) and the
 * replication host (committed entries in log order; reads after ReadIndex via `applyOne`).
 */
import { assert } from '../shared/assert.js';
import { SeededRng } from '../shared/effects.js';
import { MemlayerError } from '../shared/errors.js';
import { Keyspace } from '../store/keyspace.js';
import type { ApplyEnv } from '../store/keyspace.js';
import type { ByteSource } from '../shared/byte-source.js';
import {
  decodeSnapshot,
  decodeSnapshotInSteps,
  installSnapshot,
  SnapshotWriter,
  type SnapshotChunks,
  type DecodedSnapshot,
} from '../store/snapshot.js';
import { ClientSessions } from './client-sessions.js';
import type { DataRequest } from './executor.js';
import type { AnySpec } from './registry.js';
import type { Reply } from './reply.js';
import { ErrorReply, NULL_ARRAY } from './reply.js';
import type { DataCommandSpec } from './spec.js';

/** Spelling variants of command names remembered for the case-insensitive lookup. */
const NAME_CACHE_MAX = 4096;
/** Keys with a TTL examined per expiredKeys() call, per key asked for. */
const EXPIRY_SAMPLES_PER_KEY = 20;

export class StateMachine {
  readonly db = new Keyspace();
  private sessions = new ClientSessions();
  /** Data specs by the exact name a client sent ("SET", "set", "Set"). */
  private readonly byName = new Map<string, DataCommandSpec>();
  /** Resumable walk over keys with a TTL for the active expiry sweep. */
  private expiryWalk: Iterator<[string, number]> | undefined;

  constructor(private readonly table: ReadonlyMap<string, AnySpec>) {}

  /**
   * Applies one command outside any transaction or client session (the fast path).
   * `args[0]` must name a data command: anything else is a bug in the caller.
   */
  applyOne(args: readonly string[], env: ApplyEnv): Reply {
    this.db.applyIndex = env.index;
    return this.run(args, env);
  }

  /**
   * Applies a request atomically: WATCH check, then each command in order. Writes with a client
   * session (clientId !== 0) are deduplicated: a repeated (clientId, sequence) answers the
   * cached reply without applying anything. Reads never touch the session cache, since they are
   * not in the log and would make replicas' caches differ.
   */
  apply(request: DataRequest, env: ApplyEnv): Reply {
    this.db.applyIndex = env.index;
    const session = request.write && request.clientId !== 0;
    if (session) {
      const check = this.sessions.check(request.clientId, request.sequence);
      if (check.kind !== 'new') return check.reply;
    }
    const reply = this.applyRequest(request, env);
    if (session) this.sessions.record(request.clientId, request.sequence, reply);
    return reply;
  }

  private applyRequest(request: DataRequest, env: ApplyEnv): Reply {
    const watch = request.watch;
    if (watch !== undefined && this.watchedKeyChanged(watch.keys, watch.index, env.nowMs)) {
      return NULL_ARRAY;
    }
    if (!request.transaction) {
      const [command] = request.commands;
      assert(command !== undefined && request.commands.length === 1, 'one command outside MULTI');
      return this.run(command, env);
    }
    // As Redis' EXEC: an error reply from one command does not stop the ones after it.
    const replies: Reply[] = [];
    for (const command of request.commands) replies.push(this.run(command, env));
    return replies;
  }

  /**
   * WATCH: a key changed by an entry after `index`, or one that has expired by now (Redis 7
   * aborts EXEC when a watched key expires, even if nothing removed it yet). A key that was
   * already expired when it was watched also aborts here, where Redis would not: a spurious
   * abort, which clients retry as any other; a real change is never missed.
   */
  private watchedKeyChanged(keys: readonly string[], index: number, nowMs: number): boolean {
    for (const key of keys) {
      if (this.db.changeIndex(key) > index) return true;
      const expiresAtMs = this.db.expiresAt(key);
      if (expiresAtMs !== undefined && expiresAtMs <= nowMs) return true;
    }
    return false;
  }

  private run(args: readonly string[], env: ApplyEnv): Reply {
    const spec = this.lookup(args[0]);
    try {
      return spec.apply(this.db, args, env);
    } catch (error) {
      // Operating errors a handler reports by throwing become its reply; bugs crash.
      if (error instanceof MemlayerError) return new ErrorReply(error.resp);
      throw error;
    }
  }

  private lookup(name: string | undefined): DataCommandSpec {
    assert(name !== undefined, 'empty command');
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const spec = this.table.get(name.toLowerCase());
    assert(spec !== undefined && spec.kind === 'data', `not a data command: ${name}`);
    if (this.byName.size < NAME_CACHE_MAX) this.byName.set(name, spec);
    return spec;
  }

  /**
   * Up to `max` keys whose TTL has passed at `nowMs`, for the active expiry sweep to propose as
   * `__expired key...`. Bounded work: examines at most EXPIRY_SAMPLES_PER_KEY * max keys with a
   * TTL, resuming where the previous call stopped. Not deterministic (it needs not be: it only
   * chooses what to propose; `__expired` re-checks at apply time).
   */
  expiredKeys(nowMs: number, max: number): string[] {
    const found = new Set<string>();
    let budget = Math.max(1, max) * EXPIRY_SAMPLES_PER_KEY;
    let wrapped = false;
    while (found.size < max && budget-- > 0) {
      this.expiryWalk ??= this.db.expires.entries();
      const next = this.expiryWalk.next();
      if (next.done === true) {
        this.expiryWalk = undefined;
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      const [key, atMs] = next.value;
      if (atMs <= nowMs) found.add(key);
    }
    return [...found];
  }

  /** The whole state (keyspace + client sessions) as one checksummed snapshot, in one go. */
  encodeSnapshot(): Uint8Array {
    return new SnapshotWriter(this.db, this.sessions.encode()).encode();
  }

  /**
   * The snapshot after `prefix` as chunks of about `chunkBytes`, for a caller that writes them
   * out as they come (SnapshotWriter.chunks). The state is captured when this is called; entries
   * applied while the steps run do not affect it.
   */
  snapshotChunks(prefix: Uint8Array, chunkBytes: number): SnapshotChunks {
    return new SnapshotWriter(this.db, this.sessions.encode()).chunks(prefix, chunkBytes);
  }

  /**
   * Replaces the whole state with a snapshot. Verifies everything first: on any problem it throws
   * MemlayerError('ERR_SNAPSHOT_CORRUPT') and the current state is untouched.
   */
  restoreSnapshot(bytes: ByteSource): void {
    this.install(decodeSnapshot(bytes));
  }

  /**
   * restoreSnapshot in steps, for a caller that spreads a large snapshot over event-loop turns:
   * each step verifies or decodes about `sliceBytes` into a new state while the current one
   * stays in place; the last step installs it. Nothing may apply entries to this state machine
   * until the steps are done.
   */
  *restoreSnapshotSteps(bytes: ByteSource, sliceBytes: number): Generator<void, void, undefined> {
    this.install(yield* decodeSnapshotInSteps(bytes, sliceBytes));
  }

  private install(snapshot: DecodedSnapshot): void {
    const sessions = ClientSessions.decode(snapshot.extra);
    installSnapshot(this.db, snapshot);
    this.sessions = sessions;
    this.expiryWalk = undefined;
  }
}

/**
 * The environment of the entry at `index`, proposed at `nowMs` (request `part` of a group
 * entry; 0 otherwise). The RNG is seeded from the index and part alone, so SPOP, SRANDMEMBER
 * and RANDOMKEY choose the same on every replica, and two requests of one group differently.
 */
export function envFor(index: number, nowMs: number, part = 0): ApplyEnv {
  const seed = part === 0 ? seedOf(index) : (seedOf(index) ^ Math.imul(part, 0x27d4eb2f)) >>> 0;
  return { index, nowMs, rng: new SeededRng(seed) };
}

function seedOf(index: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 0x1_0000_0000) >>> 0;
  return (Math.imul(low ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) >>> 0;
}
