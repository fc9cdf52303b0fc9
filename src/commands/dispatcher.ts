/**
 * The dispatcher: every parsed command passes through small named stages (STYLE.md rule 9)
 *
 *   lookup -> arity -> authenticate -> CLIENT PAUSE -> MULTI queueing -> [pack] -> execute
 *
 * each of which either passes the command on or answers with Redis' exact rejection. The pack
 * stage only runs for `dispatchPipelined` on an executor that answers later (a replicated
 * node): it gathers a connection's pipelined data commands into one request (see `seal`).
 * Per-command facts (arity, write flag, no-auth, the session handler, the ready-made arity
 * error) are compiled once from the command table, so the hot path for GET/SET is a Map hit,
 * two integer compares, two field reads and the executor call: it allocates nothing of its own.
 */
import { assert } from '../shared/assert.js';
import type { Clock } from '../shared/effects.js';
import { MemlayerError } from '../shared/errors.js';
import type { Limits } from '../config/limits.js';
import type { RuntimeConfig } from '../config/config.js';
import type { AnySpec } from './registry.js';
import type { SessionCommandSpec, SessionHandler } from './spec.js';
import type { Executor } from './executor.js';
import {
  DEFERRED,
  PACKED,
  type ClientConnection,
  type CommandDispatcher,
  type PipelinedReply,
  type ServerStats,
  type Session,
} from './session.js';
import { ErrorReply, QUEUED, type Reply } from './reply.js';
import { UNKNOWN_COMMAND, UNKNOWN_SUBCOMMAND, WRONG_ARITY } from './errors.js';
import {
  ClientSession,
  CommandPack,
  type ClientRegistry,
  type CountedCommand,
  type CommandCounters,
  type Persistence,
  type QueuedCommand,
  type ServerFacilities,
  type SessionContext,
  type ShutdownMode,
} from './context.js';
import { InfoSections } from './server/info-registry.js';
import { isInternal } from './server/command-table.js';
import { registerStandardInfoSections } from './server/info-sections.js';
import { ErrorStats } from './server/error-stats.js';
import { ClientPause, realPauseTimers, type PauseTimers } from './connection/client-pause.js';

export const NOAUTH = new ErrorReply('NOAUTH Authentication required.');
export const NOT_ALLOWED_IN_MULTI = new ErrorReply('ERR Command not allowed inside a transaction');

/**
 * Commands that act at once inside MULTI instead of being queued (as Redis' processCommand).
 * SEQ too: `SEQ n EXEC` numbers the transaction; SEQ with anything else is refused there.
 */
const RUN_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset', 'seq']);

/**
 * Bounds of one pipelined pack (one log entry): a client's whole `-P 16` burst fits, and
 * `redis-cli --pipe` goes out in entries of a size the peers stream and apply in one go.
 */
const PACK_COMMANDS_MAX = 1024;
const PACK_BYTES_MAX = 1024 * 1024;

/** What the dispatcher precomputes for one command or subcommand. */
class CompiledCommand implements CommandCounters {
  calls = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  readonly arity: number;
  readonly write: boolean;
  /** Postponed by CLIENT PAUSE WRITE (Redis: write or may-replicate commands). */
  readonly pausedByWrite: boolean;
  /** EXEC: postponed by a WRITE pause, and counted as changes, by what it queued. */
  readonly exec: boolean;
  readonly noAuth: boolean;
  readonly noMulti: boolean;
  readonly runsInMulti: boolean;
  readonly run: SessionHandler<SessionContext> | undefined;
  readonly arityError: ErrorReply;
  /** By lower- and upper-case subcommand name (`id`, `ID`); undefined for plain commands. */
  readonly subcommands: Map<string, CompiledCommand> | undefined;

  constructor(
    readonly spec: AnySpec,
    readonly name: string,
  ) {
    this.arity = spec.arity;
    this.write = spec.flags.includes('write');
    this.pausedByWrite = this.write || spec.flags.includes('may_replicate');
    this.exec = name === 'exec';
    this.noAuth = spec.flags.includes('no_auth');
    this.noMulti = spec.flags.includes('no_multi');
    this.runsInMulti = RUN_IN_MULTI.has(name);
    this.arityError = WRONG_ARITY(name);
    // The table stores session handlers without their context type (registry.ts); the
    // dispatcher is the one caller and supplies exactly that context.
    const session =
      spec.kind === 'session' ? (spec as SessionCommandSpec<SessionContext>) : undefined;
    this.run = session?.run;
    const subcommands: readonly AnySpec[] | undefined = spec.subcommands;
    this.subcommands = subcommands === undefined ? undefined : new Map();
    for (const sub of subcommands ?? []) {
      const compiled = new CompiledCommand(sub as AnySpec, sub.name);
      const short = sub.name.slice(sub.name.indexOf('|') + 1);
      this.subcommands?.set(short, compiled);
      this.subcommands?.set(short.toUpperCase(), compiled);
    }
  }
}

export interface DispatcherOptions {
  readonly table: ReadonlyMap<string, AnySpec>;
  readonly executor: Executor;
  readonly config: RuntimeConfig;
  readonly limits: Limits;
  readonly stats: ServerStats;
  readonly clock: Clock;
  readonly persistence: Persistence;
  readonly keyspaceCounts: () => { readonly keys: number; readonly expires: number };
  readonly shutdown: (mode: ShutdownMode) => Promise<Reply | undefined>;
  /** For INFO server. */
  readonly port: () => number;
  /** For INFO server: how client sockets move bytes (resp/server.ts IoMode). */
  readonly clientIo?: () => string;
  /** Keys removed by the active expiry sweep (INFO stats `expired_keys`). */
  readonly expiredKeys: () => number;
  /** Timers for CLIENT PAUSE's end (tests inject their own). */
  readonly pauseTimers?: PauseTimers;
}

/** instantaneous_ops_per_sec averages this many cron samples (as Redis' STATS_METRIC_SAMPLES). */
const OPS_SAMPLES = 16;

export class Dispatcher implements CommandDispatcher {
  /** By lower- and upper-case name, so `get` and `GET` hit without `toLowerCase()`. */
  private readonly commands = new Map<string, CompiledCommand>();
  /** Every command and subcommand once, in table order (INFO commandstats). */
  private readonly compiled: CompiledCommand[] = [];
  private readonly sessions = new Map<number, ClientSession>();
  private readonly executor: Executor;
  /** Refreshed by `cron`; stamps idle times without a clock read per command. */
  private coarseNowMs: number;
  private lastTimeoutCheckMs = 0;
  private readonly opsSamples = new Float64Array(OPS_SAMPLES);
  private opsSampleNext = 0;
  private opsLastMs: number;
  private opsLastCount = 0;
  commandsProcessed = 0;
  errorReplies = 0;
  private readonly errorStats = new ErrorStats();
  readonly server: ServerFacilities;
  private readonly pause: ClientPause;

  constructor(private readonly options: DispatcherOptions) {
    this.executor = options.executor;
    this.coarseNowMs = options.clock.nowMs();
    this.opsLastMs = this.coarseNowMs;
    for (const spec of options.table.values()) {
      // Internal commands (`__expired`) are proposed by the server itself, never by clients.
      if (isInternal(spec.name)) continue;
      const command = new CompiledCommand(spec, spec.name);
      this.commands.set(spec.name, command);
      this.commands.set(spec.name.toUpperCase(), command);
      this.compiled.push(command, ...new Set(command.subcommands?.values()));
    }
    this.pause = new ClientPause(
      () => options.clock.nowMs(),
      options.pauseTimers ?? realPauseTimers,
    );
    this.server = this.buildFacilities();
    registerStandardInfoSections(this.server, {
      startedMs: this.coarseNowMs,
      port: options.port,
      clientIo: options.clientIo ?? (() => 'node'),
      commandsProcessed: () => this.commandsProcessed,
      errorReplies: () => this.errorReplies,
      errorStats: () => this.errorStats.lines(),
      opsPerSecond: () => Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / OPS_SAMPLES),
      expiredKeys: options.expiredKeys,
    });
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  get clockMs(): number {
    return this.coarseNowMs;
  }

  connect(connection: ClientConnection): Session {
    const session = new ClientSession(connection, this.server, this.options.clock.nowMs());
    this.sessions.set(connection.id, session);
    return session;
  }

  disconnect(session: Session): void {
    this.sessions.delete(session.connection.id);
    this.pause.forget(session);
  }

  dispatch(session: Session, args: readonly string[]): Reply | Promise<Reply> {
    const reply = this.route(session, args, false);
    // Only dispatchPipelined packs or defers; this check is the type system's, not a case.
    assert(typeof reply !== 'symbol', 'a pack outside dispatchPipelined');
    return reply;
  }

  dispatchPipelined(session: Session, args: readonly string[]): PipelinedReply {
    return this.route(session, args, true);
  }

  /**
   * Runs a command through the stages. With a pack open (pipelined data commands not yet sent)
   * anything that is not a data command to add to it answers DEFERRED before any stage counts
   * it: it must see the pack's effects, and its reply must follow the pack's.
   */
  private route(session: Session, args: readonly string[], pipelined: boolean): PipelinedReply {
    assert(session instanceof ClientSession, 'session was not created by this dispatcher');
    const packOpen = session.pack !== undefined;
    const name = args[0] ?? '';
    let command = this.lookup(name);
    if (command === undefined) {
      if (packOpen) return DEFERRED;
      return this.reject(session, UNKNOWN_COMMAND(name, args.slice(1)));
    }
    if (command.subcommands !== undefined && args.length >= 2) {
      const sub = this.lookupSubcommand(command, args[1] ?? '');
      if (sub === undefined) {
        if (packOpen) return DEFERRED;
        return this.reject(session, UNKNOWN_SUBCOMMAND(args[1] ?? '', command.name));
      }
      command = sub;
    }
    const rejection = this.checkArity(command, args) ?? this.authenticate(session, command);
    if (rejection !== undefined) {
      if (packOpen) return DEFERRED;
      command.rejectedCalls++;
      return this.reject(session, rejection, command);
    }
    session.lastCommand = command.name;
    session.lastInteractionMs = this.coarseNowMs;
    if (this.pause.mode !== undefined && this.pausedFor(session, command))
      return packOpen ? DEFERRED : this.postpone(session, args);
    if (session.multi !== undefined && !command.runsInMulti)
      return this.queue(session, command, args);
    if (pipelined && command.run === undefined) {
      const packed = this.pack(session, command, args);
      if (packed !== undefined) return packed;
    } else if (packOpen) {
      return DEFERRED;
    }
    return this.execute(session, command, args);
  }

  /**
   * Adds a data command to the session's pack: PACKED, DEFERRED if the pack is full, undefined
   * if this command is better run alone (the executor answers it at once, or it is huge).
   */
  private pack(
    session: ClientSession,
    command: CompiledCommand,
    args: readonly string[],
  ): typeof PACKED | typeof DEFERRED | undefined {
    let pack = session.pack;
    // First: a single node in memory, or a READONLY read, is answered at once and must not
    // pay for the rest.
    if (
      pack === undefined &&
      (readsLocally(session, command) || !this.executor.packs(command.write))
    )
      return undefined;
    let bytes = 0;
    for (const arg of args) bytes += arg.length;
    if (pack === undefined) {
      if (bytes > PACK_BYTES_MAX) return undefined;
      pack = session.pack = new CommandPack();
    } else if (pack.commands.length >= PACK_COMMANDS_MAX || pack.bytes + bytes > PACK_BYTES_MAX) {
      return DEFERRED;
    }
    command.calls++;
    this.commandsProcessed++;
    pack.commands.push(args);
    pack.counters.push(command);
    pack.write ||= command.write;
    pack.bytes += bytes;
    return PACKED;
  }

  seal(session: Session): Promise<readonly Reply[]> | undefined {
    assert(session instanceof ClientSession, 'session was not created by this dispatcher');
    const pack = session.pack;
    if (pack === undefined) return undefined;
    session.pack = undefined;
    const [first] = pack.commands;
    const alone = pack.commands.length === 1 && first !== undefined;
    let reply: Reply | Promise<Reply>;
    try {
      // Applied as one atomic request with a reply per command (EXEC's shape, no EXEC).
      reply = alone
        ? this.executor.executeOne(first, pack.write)
        : this.executor.execute({
            commands: pack.commands,
            write: pack.write,
            transaction: true,
            pipelined: true,
            watch: undefined,
            clientId: 0,
            sequence: 0,
          });
    } catch (error) {
      reply = operatingError(error);
    }
    return Promise.resolve(reply).then(
      (settled) => this.unpack(pack, settled, alone),
      (error: unknown) => this.unpack(pack, operatingError(error), alone),
    );
  }

  /** One reply per packed command: theirs, or the request's error for each (e.g. -UNKNOWN). */
  private unpack(pack: CommandPack, reply: Reply, alone: boolean): readonly Reply[] {
    const n = pack.commands.length;
    const each: readonly Reply[] =
      !alone && Array.isArray(reply) && reply.length === n
        ? reply
        : new Array<Reply>(n).fill(reply);
    for (let i = 0; i < n; i++) {
      const command = pack.counters[i];
      assert(command !== undefined, 'pack counters');
      this.countOutcome(command, each[i] ?? null, command.write ? 1 : 0);
    }
    return each;
  }

  /** Stage 1: exact hit first (`get`, `GET`), then a case-folded retry (`Get`). */
  private lookup(name: string): CompiledCommand | undefined {
    return this.commands.get(name) ?? this.commands.get(name.toLowerCase());
  }

  private lookupSubcommand(container: CompiledCommand, name: string): CompiledCommand | undefined {
    const subcommands = container.subcommands;
    return subcommands?.get(name) ?? subcommands?.get(name.toLowerCase());
  }

  /** Stage 2: Redis arity, N = exactly N arguments (with the name), -N = at least N. */
  private checkArity(command: CompiledCommand, args: readonly string[]): ErrorReply | undefined {
    const arity = command.arity;
    const ok = arity >= 0 ? args.length === arity : args.length >= -arity;
    return ok ? undefined : command.arityError;
  }

  /**
   * Stage 3: until AUTH succeeds only `no_auth` commands (AUTH, HELLO, QUIT, RESET) run. As in
   * Redis, clearing `requirepass` (CONFIG SET) lets unauthenticated connections in at once.
   */
  private authenticate(session: ClientSession, command: CompiledCommand): ErrorReply | undefined {
    return command.noAuth || !session.authRequired ? undefined : NOAUTH;
  }

  /**
   * Stage 4: CLIENT PAUSE. Before MULTI queueing, as in Redis: under a WRITE pause a write is
   * not even queued, and EXEC waits if its transaction writes.
   */
  private pausedFor(session: ClientSession, command: CompiledCommand): boolean {
    if (this.pause.mode === 'all' || command.pausedByWrite) return true;
    return command.exec && session.multi?.some((queued) => queued.write) === true;
  }

  /**
   * The command runs again, through every stage, when the pause ends; the promise keeps the
   * connection's later commands behind it. A client gone by then has its command dropped; a
   * client killed while it waits gets a null reply that CLIENT KILL keeps from being written.
   */
  private postpone(session: ClientSession, args: readonly string[]): Promise<Reply> {
    const copy = args.slice();
    return new Promise<Reply>((resolve, reject) => {
      this.pause.postpone(
        session,
        () => {
          if (this.sessions.get(session.id) !== session) {
            resolve(null);
            return;
          }
          try {
            resolve(this.dispatch(session, copy));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        () => resolve(null),
      );
    });
  }

  /** Stage 5: inside MULTI, commands are checked now and run at EXEC. */
  private queue(session: ClientSession, command: CompiledCommand, args: readonly string[]): Reply {
    const queued = session.multi;
    assert(queued !== undefined, 'queue outside MULTI');
    if (command.noMulti) {
      command.rejectedCalls++;
      return this.reject(session, NOT_ALLOWED_IN_MULTI);
    }
    if (queued.length >= this.options.limits.multiCommandsMax) {
      return this.reject(
        session,
        new ErrorReply(`ERR too many commands in MULTI (at most ${queued.length})`),
      );
    }
    queued.push({ args: args.slice(), run: command.run, write: command.write });
    return QUEUED;
  }

  /** Stage 6: a session handler on this node, or the executor for data commands. */
  private execute(
    session: ClientSession,
    command: CompiledCommand,
    args: readonly string[],
  ): Reply | Promise<Reply> {
    command.calls++;
    this.commandsProcessed++;
    // What the save rules count if it succeeds; EXEC's queue is gone once it has run.
    const changes = command.write ? 1 : command.exec ? queuedWrites(session) : 0;
    const queued = command.exec && !session.multiFailed ? session.multi : undefined;
    let reply: Reply | Promise<Reply>;
    try {
      reply =
        command.run !== undefined
          ? command.run(session.context, args)
          : readsLocally(session, command)
            ? this.executor.readLocal(args)
            : this.executor.executeOne(args, command.write);
    } catch (error) {
      reply = operatingError(error);
    }
    if (reply instanceof Promise) {
      return reply.then(
        (settled) => this.countOutcome(command, this.countQueued(queued, settled), changes),
        (error: unknown) => this.countFailure(command, operatingError(error)),
      );
    }
    if (reply instanceof ErrorReply) return this.countFailure(command, reply);
    this.countQueued(queued, reply);
    if (changes !== 0) this.countChanges(command, reply, changes);
    return reply;
  }

  /**
   * The commands an EXEC ran, counted as Redis counts them when EXEC calls each: a call (and a
   * processed command) apiece, and each error in EXEC's array as a failed call and an error
   * reply (INFO errorstats, total_error_replies).
   */
  private countQueued(queued: readonly QueuedCommand[] | undefined, reply: Reply): Reply {
    if (queued === undefined || !Array.isArray(reply)) return reply;
    for (let i = 0; i < queued.length; i++) {
      const args = queued[i]?.args ?? [];
      const counted = this.lookupQueued(args);
      if (counted !== undefined) counted.calls++;
      this.commandsProcessed++;
      const each = reply[i];
      if (!(each instanceof ErrorReply)) continue;
      if (counted !== undefined) counted.failedCalls++;
      this.countError(each);
    }
    return reply;
  }

  /** The command (or subcommand) a queued command was checked as when MULTI queued it. */
  private lookupQueued(args: readonly string[]): CompiledCommand | undefined {
    const command = this.lookup(args[0] ?? '');
    if (command?.subcommands === undefined || args.length < 2) return command;
    return this.lookupSubcommand(command, args[1] ?? '');
  }

  private countError(error: ErrorReply): void {
    this.errorReplies++;
    this.errorStats.count(error.text);
  }

  private countOutcome(command: CountedCommand, reply: Reply, changes: number): Reply {
    if (reply instanceof ErrorReply) return this.countFailure(command, reply);
    if (changes !== 0) this.countChanges(command, reply, changes);
    return reply;
  }

  /** Save rules: a write that did not fail, or the writes of an EXEC that ran (not aborted). */
  private countChanges(command: CountedCommand, reply: Reply, changes: number): void {
    if (!command.exec || Array.isArray(reply)) this.options.persistence.changesSinceSave += changes;
  }

  private countFailure(command: CountedCommand, reply: Reply): Reply {
    if (reply instanceof ErrorReply) {
      command.failedCalls++;
      this.countError(reply);
    }
    return reply;
  }

  /** A rejection inside MULTI dooms the transaction; a rejected EXEC discards it (as Redis). */
  private reject(session: ClientSession, error: ErrorReply, command?: CompiledCommand): Reply {
    let reply = error;
    if (command?.name === 'exec') {
      session.endTransaction();
      reply = new ErrorReply(
        `EXECABORT Transaction discarded because of: ${error.text.replace(/^ERR /, '')}`,
      );
    } else if (session.multi !== undefined) {
      session.multiFailed = true;
    }
    this.countError(reply);
    return reply;
  }

  /**
   * Housekeeping from main's timer (every ~100 ms): coarse clock, idle client timeout. As
   * Redis' clientsCronHandleTimeout: idle means no bytes read or written for longer than
   * `timeout` (the protocol layer stamps lastInteractionMs); a client whose reply is pending
   * (postponed by CLIENT PAUSE, waiting on consensus) is not idle, as a blocked Redis client;
   * a client in MULTI is timed out like any other.
   */
  cron(nowMs: number): void {
    this.coarseNowMs = nowMs;
    this.sampleOps(nowMs);
    this.options.persistence.autoSave(nowMs, this.options.config.saveRules);
    const timeoutSeconds = this.options.config.timeoutSeconds;
    if (timeoutSeconds <= 0 || nowMs - this.lastTimeoutCheckMs < 1000) return;
    this.lastTimeoutCheckMs = nowMs;
    for (const session of this.sessions.values()) {
      if (!session.waiting && nowMs - session.lastInteractionMs > timeoutSeconds * 1000)
        session.connection.close();
    }
  }

  private sampleOps(nowMs: number): void {
    const elapsedMs = nowMs - this.opsLastMs;
    if (elapsedMs <= 0) return;
    const rate = ((this.commandsProcessed - this.opsLastCount) * 1000) / elapsedMs;
    this.opsSamples[this.opsSampleNext] = Math.max(0, rate);
    this.opsSampleNext = (this.opsSampleNext + 1) % OPS_SAMPLES;
    this.opsLastMs = nowMs;
    this.opsLastCount = this.commandsProcessed;
  }

  private buildFacilities(): ServerFacilities {
    const options = this.options;
    const sessions = this.sessions;
    const clients: ClientRegistry = {
      get size() {
        return sessions.size;
      },
      get: (id) => sessions.get(id),
      values: () => sessions.values(),
    };
    return {
      executor: options.executor,
      table: options.table,
      config: options.config,
      limits: options.limits,
      stats: options.stats,
      clients,
      clock: options.clock,
      info: new InfoSections(),
      persistence: options.persistence,
      pause: this.pause,
      commandCounters: () => this.compiled,
      resetStats: () => this.resetStats(),
      keyspaceCounts: options.keyspaceCounts,
      shutdown: options.shutdown,
    };
  }

  private resetStats(): void {
    for (const command of this.compiled) {
      command.calls = 0;
      command.rejectedCalls = 0;
      command.failedCalls = 0;
    }
    this.commandsProcessed = 0;
    this.errorReplies = 0;
    this.errorStats.reset();
    const stats = this.options.stats;
    stats.connectionsReceived = 0;
    stats.connectionsRejected = 0;
    stats.netInputBytes = 0;
    stats.netOutputBytes = 0;
    stats.protocolErrors = 0;
  }
}

/** READONLY: the connection's reads come from this node's state, with no ReadIndex round. */
function readsLocally(session: ClientSession, command: CompiledCommand): boolean {
  return !command.write && session.readonlyMode;
}

function queuedWrites(session: ClientSession): number {
  let writes = 0;
  for (const queued of session.multi ?? []) if (queued.write) writes++;
  return writes;
}

/** Operating errors become their RESP error; anything else is a bug and propagates. */
function operatingError(error: unknown): ErrorReply {
  if (error instanceof MemlayerError) return new ErrorReply(error.resp);
  throw error;
}
