/**
 * One declarative record per command (STYLE.md rule 8). The dispatcher derives arity checks,
 * authentication, ACL categories, the replication path (write vs read) and COMMAND INFO/DOCS
 * from these records; handlers never re-check them.
 */
import type { ApplyEnv, Keyspace } from '../store/keyspace.js';
import type { Reply } from './reply.js';

/** Redis command flags we honour (names as COMMAND INFO prints them). */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'no_async_loading'
  | 'allow_busy'
  | 'movablekeys';

/** ACL categories (Redis' list plus memlayer's @tensor and @fed). */
export type AclCategory =
  | '@keyspace'
  | '@read'
  | '@write'
  | '@set'
  | '@sortedset'
  | '@list'
  | '@hash'
  | '@string'
  | '@bitmap'
  | '@hyperloglog'
  | '@geo'
  | '@stream'
  | '@pubsub'
  | '@admin'
  | '@fast'
  | '@slow'
  | '@blocking'
  | '@dangerous'
  | '@connection'
  | '@transaction'
  | '@scripting'
  | '@tensor'
  | '@fed';

/**
 * Legacy key positions as COMMAND INFO reports them: first key argument, last (negative counts
 * from the end, -1 = last argument), step. `{ first: 0, last: 0, step: 0 }` for no keys.
 */
export interface KeySpec {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export const NO_KEYS: KeySpec = Object.freeze({ first: 0, last: 0, step: 0 });

/** Redis 7 key-spec flags (COMMAND INFO), as src/commands/*.json in Redis name them. */
export type KeySpecFlag =
  | 'RO'
  | 'RW'
  | 'OW'
  | 'RM'
  | 'access'
  | 'update'
  | 'insert'
  | 'delete'
  | 'not_key'
  | 'incomplete'
  | 'variable_flags';

/**
 * A Redis 7 key specification: how to find one role of key arguments (COPY's source and its
 * destination are two) and what the command does to them. COMMAND INFO reports these and
 * COMMAND GETKEYS follows them, as Redis' getKeysUsingKeySpecs does.
 */
export interface KeySpecification {
  readonly flags: readonly KeySpecFlag[];
  readonly notes?: string;
  /** Where the search starts: an argument index, or just after a keyword found from startFrom. */
  readonly begin:
    { readonly index: number } | { readonly keyword: string; readonly startFrom: number };
  /**
   * The keys from there: a range (lastKey relative to the start, negative counting from the
   * end; every keyStep-th argument), or a count argument (SINTERCARD's numkeys) at keyNumIndex
   * followed, from firstKey, by that many keys.
   */
  readonly find:
    | { readonly lastKey: number; readonly keyStep: number; readonly limit: number }
    | { readonly keyNumIndex: number; readonly firstKey: number; readonly keyStep: number };
}

/**
 * A data command: a deterministic function of (keyspace, arguments, entry environment).
 * It must not read clocks, randomness or connection state, and must validate every argument
 * before it changes anything (a rejected command changes nothing).
 * `args[0]` is the command name as the client sent it.
 */
export type DataHandler = (db: Keyspace, args: readonly string[], env: ApplyEnv) => Reply;

/**
 * A session command: runs on the node the client is connected to (PING, HELLO, CLIENT, INFO,
 * MULTI...). `Ctx` is the connection/server context type defined by the dispatcher.
 */
export type SessionHandler<Ctx> = (ctx: Ctx, args: readonly string[]) => Reply | Promise<Reply>;

interface SpecBase {
  /** Lower-case command name; for a subcommand, `container|sub` as Redis names them. */
  readonly name: string;
  /** Redis arity: N means exactly N arguments including the name; -N means at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly categories: readonly AclCategory[];
  readonly keys: KeySpec;
  /**
   * Redis 7 key specifications. Left out, one is derived from `keys` (RW update for writes,
   * RO access for reads); commands whose keys play different roles, or that Redis flags more
   * precisely, list theirs as Redis 7.2 does.
   */
  readonly keySpecs?: readonly KeySpecification[];
  /** COMMAND INFO tips, as Redis 7.2 lists them (`nondeterministic_output`, ...). */
  readonly tips?: readonly string[];
  /** For COMMAND DOCS and docs/commands.md. */
  readonly summary: string;
  readonly group: string;
  readonly since: string;
  /** Argument synopsis as Redis documents it, e.g. `key value [NX | XX]`. */
  readonly syntax: string;
}

export interface DataCommandSpec extends SpecBase {
  readonly kind: 'data';
  readonly apply: DataHandler;
  /**
   * Subcommands (OBJECT ENCODING, ...): the dispatcher checks each one's arity and name before
   * running or queueing it, as for session containers. The state machine always applies the
   * container's handler, which dispatches on args[1] itself.
   */
  readonly subcommands?: readonly DataCommandSpec[];
}

export interface SessionCommandSpec<Ctx = unknown> extends SpecBase {
  readonly kind: 'session';
  readonly run: SessionHandler<Ctx>;
  /** Subcommands (CONFIG GET, CLIENT ID, ...), dispatched on args[1]. */
  readonly subcommands?: readonly SessionCommandSpec<Ctx>[];
}

export type CommandSpec<Ctx = unknown> = DataCommandSpec | SessionCommandSpec<Ctx>;

/** True if the data command changes state and so must go through the log. */
export function isWrite(spec: CommandSpec<unknown>): boolean {
  return spec.flags.includes('write');
}
