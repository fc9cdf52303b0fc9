/**
 * How data commands reach the state machine. The dispatcher decides *what* runs (after arity,
 * auth and MULTI queueing); an Executor decides *how*: applied at once on a single in-memory
 * node, or proposed through Raft (writes) and served after a ReadIndex round (reads) on a
 * replicated one. Both give the same replies for the same sequence of requests.
 */
import type { Reply } from './reply.js';

export interface DataRequest {
  /** Commands applied atomically and in order: one command, or the body of MULTI/EXEC. */
  readonly commands: readonly (readonly string[])[];
  /** True if any command writes (goes through the log). */
  readonly write: boolean;
  /** MULTI/EXEC: the reply is the array of every command's reply. */
  readonly transaction: boolean;
  /** WATCH: if any key changed after `index`, the batch does nothing and replies NULL_ARRAY. */
  readonly watch: { readonly keys: readonly string[]; readonly index: number } | undefined;
  /** Client session for idempotent retries: duplicate (clientId, sequence) pairs answer from a cache. */
  readonly clientId: number;
  readonly sequence: number;
  /**
   * A connection's pipelined commands sent together (with `transaction`, which gives them one
   * entry and one reply each): counted per command, not as EXEC.
   */
  readonly pipelined?: boolean;
}

export interface Executor {
  /** Fast path for one command that is not part of a transaction. */
  executeOne(args: readonly string[], write: boolean): Reply | Promise<Reply>;
  /**
   * A read served from this node's state as it is, with no ReadIndex round: on a replica it may
   * lag the leader (a connection in READONLY mode asked for that).
   */
  readLocal(args: readonly string[]): Reply | Promise<Reply>;
  execute(request: DataRequest): Reply | Promise<Reply>;
  /** The index of the last applied change, for WATCH. */
  appliedIndex(): number;
  /**
   * True when a command of this kind is answered later (a consensus round), so a connection's
   * pipelined commands are better sent as one request (Dispatcher.seal) than one by one.
   */
  packs(write: boolean): boolean;
  /**
   * The Redis role HELLO reports: a Raft follower is a `replica` (as INFO replication's
   * role:slave says); a leader, or a node without Raft, is a `master`.
   */
  role?(): 'master' | 'replica';
}
