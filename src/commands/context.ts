/**
 * What session handlers (PING, HELLO, CLIENT, INFO, MULTI, ...) receive: the per-connection
 * session and the server facilities it may use. One `SessionContext` is made per connection at
 * connect time, so running a session command allocates no context.
 *
 * Data commands never see this: they run in the state machine with only (keyspace, args, env).
 */
import type { Clock } from '../shared/effects.js';
import type { Limits } from '../config/limits.js';
import type { RuntimeConfig } from '../config/config.js';
import type { AnySpec } from './registry.js';
import type { Executor } from './executor.js';
import type { ClientConnection, ServerStats, Session } from './session.js';
import type { Reply } from './reply.js';
import type { SessionHandler } from './spec.js';
import type { ClientPause } from './connection/client-pause.js';
import type { SaveRule } from '../config/save-rules.js';

/** Redis version we report: clients gate features on it (HELLO, INFO server). */
export const REDIS_VERSION = '7.2.4';

/** One queued command of an open MULTI. `args` is a private copy (the parser may reuse arrays). */
export interface QueuedCommand {
  readonly args: readonly string[];
  /** The session handler; undefined for a data command (it goes into EXEC's DataRequest). */
  readonly run: SessionHandler<SessionContext> | undefined;
  readonly write: boolean;
}

/** Counters per command (full name, `client|list` for subcommands) for INFO commandstats. */
export interface CommandCounters {
  readonly name: string;
  calls: number;
  /** Rejected before running: arity, NOAUTH, not allowed in MULTI. */
  rejectedCalls: number;
  /** Ran and answered an error. */
  failedCalls: number;
}

/** What the dispatcher counts a command's outcome with. */
export interface CountedCommand extends CommandCounters {
  readonly write: boolean;
  /** EXEC: its changes count only if the transaction ran. */
  readonly exec: boolean;
}

/** Data commands of one connection's pipeline, to be sent to the executor as one request. */
export class CommandPack {
  readonly commands: (readonly string[])[] = [];
  /** Per command, for its counters and for the save rules' change count. */
  readonly counters: CountedCommand[] = [];
  write = false;
  /** Argument bytes so far (the pack's bound). */
  bytes = 0;
}

/** The state of one client connection. The dispatcher creates it in `connect`. */
export class ClientSession implements Session {
  protocol: 2 | 3 = 2;
  closeAfterReply = false;
  repliesToSkip = 0;
  /** '' when unnamed (CLIENT LIST prints `name=`). */
  name = '';
  libName = '';
  libVersion = '';
  authenticated: boolean;
  /** Commands queued since MULTI; undefined outside a transaction. */
  multi: QueuedCommand[] | undefined = undefined;
  /** An error while queueing (unknown command, wrong arity, NOAUTH) makes EXEC fail. */
  multiFailed = false;
  /**
   * While EXEC runs the queue it took: how many commands. Redis keeps the client in MULTI
   * until the queue has run, so CLIENT INFO inside the transaction shows `flags=x multi=N`.
   */
  execQueuedCount: number | undefined = undefined;
  /** CLIENT NO-EVICT ON (`e` in CLIENT LIST); memlayer never evicts clients, it only shows it. */
  noEvict = false;
  /** CLIENT NO-TOUCH ON (`T` in CLIENT LIST). */
  noTouch = false;
  /** Keys under WATCH and the applied index when the first of them was watched. */
  watchedKeys: string[] | undefined = undefined;
  watchIndex = 0;
  /** READONLY mode (cluster replica reads); recorded for CLIENT LIST flags. */
  readonlyMode = false;
  /** CLIENT SESSION: the client id SEQ stamps into writes; 0 = no client session. */
  clientSessionId = 0;
  /** Pipelined data commands not yet sent (Dispatcher.dispatchPipelined, seal). */
  pack: CommandPack | undefined = undefined;
  /** Full name of the last command run (`client|info`), as CLIENT LIST prints it. */
  lastCommand = 'NULL';
  lastInteractionMs: number;
  waiting = false;
  readonly createdMs: number;
  readonly context: SessionContext;

  constructor(
    readonly connection: ClientConnection,
    server: ServerFacilities,
    nowMs: number,
  ) {
    this.authenticated = server.config.requirepass === '';
    this.createdMs = nowMs;
    this.lastInteractionMs = nowMs;
    this.context = { session: this, server };
  }

  get id(): number {
    return this.connection.id;
  }

  /** As Redis: not authenticated while a password is set (clearing it lets everyone in). */
  get authRequired(): boolean {
    return !this.authenticated && this.context.server.config.requirepass !== '';
  }

  /** Leaves MULTI and forgets WATCHed keys (EXEC, DISCARD, RESET). */
  endTransaction(): void {
    this.multi = undefined;
    this.multiFailed = false;
    this.unwatch();
  }

  unwatch(): void {
    this.watchedKeys = undefined;
    this.watchIndex = 0;
  }
}

export interface SessionContext {
  readonly session: ClientSession;
  readonly server: ServerFacilities;
}

/** Connected clients, for CLIENT LIST/KILL and INFO clients. */
export interface ClientRegistry {
  readonly size: number;
  get(id: number): ClientSession | undefined;
  values(): IterableIterator<ClientSession>;
}

/** A provider of one INFO section's `key:value` lines. */
export type InfoProvider = () => ReadonlyArray<readonly [string, string | number]>;

export interface InfoSectionOptions {
  /** Included in plain `INFO` (and `INFO default`); otherwise only when named or `all`. */
  readonly inDefault?: boolean;
}

/** INFO sections by lower-case name, in registration order. Later registrations replace. */
export interface InfoRegistry {
  registerInfoSection(name: string, provider: InfoProvider, options?: InfoSectionOptions): void;
  /** The INFO text for the requested section names (lower-case; `default`, `all`, `everything`). */
  render(sections: readonly string[]): string;
}

/** Snapshot files: SAVE, BGSAVE, LASTSAVE, SHUTDOWN and INFO persistence. */
export interface Persistence {
  /** Absolute path of the snapshot file, or undefined when no data directory is configured. */
  readonly path: string | undefined;
  /** Seconds since the epoch of the last successful save (startup time before the first). */
  readonly lastSaveSeconds: number;
  readonly bgsaveInProgress: boolean;
  readonly lastSaveOk: boolean;
  readonly saves: number;
  /**
   * Changes since the last successful save (Redis' dirty counter): the dispatcher adds one per
   * write command that did not answer an error; a successful save subtracts what it captured.
   */
  changesSinceSave: number;
  /** Writes the snapshot (temp file, fsync, rename); resolves when it is durable. */
  save(): Promise<void>;
  /** Captures the state now and writes it in the background. False if one is running. */
  bgsave(): boolean;
  /** From the cron: starts a background save if one of `rules` is due; returns that rule. */
  autoSave(nowMs: number, rules: readonly SaveRule[]): SaveRule | undefined;
}

export type ShutdownMode = 'default' | 'save' | 'nosave';

/** Server-wide facilities session handlers use. */
export interface ServerFacilities {
  readonly executor: Executor;
  /** The command table the dispatcher and the state machine were built from. */
  readonly table: ReadonlyMap<string, AnySpec>;
  readonly config: RuntimeConfig;
  readonly limits: Limits;
  readonly stats: ServerStats;
  readonly clients: ClientRegistry;
  readonly clock: Clock;
  readonly info: InfoRegistry;
  readonly persistence: Persistence;
  /** CLIENT PAUSE / UNPAUSE state; the dispatcher postpones commands while it is set. */
  readonly pause: ClientPause;
  /** INFO commandstats; ordered by first registration. */
  commandCounters(): Iterable<CommandCounters>;
  /** Zeroes command counters and error totals (CONFIG RESETSTAT). */
  resetStats(): void;
  /** Keys and keys with a TTL in the local replica (INFO keyspace). */
  keyspaceCounts(): { readonly keys: number; readonly expires: number };
  /**
   * Stops the server: save (per mode), close listeners, exit. Resolves with an error reply when
   * the save fails and the server keeps running; otherwise the process exits.
   */
  shutdown(mode: ShutdownMode): Promise<Reply | undefined>;
}
