/**
 * The contract between the protocol layer (src/resp: sockets, parsing, encoding) and the
 * command layer (src/commands: dispatch, sessions, execution).
 *
 * The RESP server owns sockets and bytes; for every parsed command it calls
 * `dispatcher.dispatch(session, args)` and encodes the Reply it gets with `session.protocol`
 * read *after* the call (HELLO 3 answers in RESP3). Replies are written in request order; while
 * a returned promise is pending the server parses no further commands of that connection, so
 * each connection's commands run one after another (read-your-writes, as with Redis).
 *
 * Pipelining (optional): a dispatcher whose commands wait on consensus offers
 * `dispatchPipelined` and `seal`. The server then hands over every command it has parsed;
 * data commands answer PACKED and travel together, as one request, when the server calls
 * `seal` (after the last command it has, or when a command answers DEFERRED: that one must
 * wait for the pack's replies and is dispatched again after them). One log entry and one
 * consensus round for a client's 16 pipelined SETs instead of 16, in the same order.
 */
import type { Reply } from './reply.js';

/** What the protocol layer tells the command layer about one client connection. */
export interface ClientConnection {
  readonly id: number;
  /** `ip:port` of the peer and of our end, as CLIENT LIST prints them. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Closes the connection after the replies already queued are flushed (CLIENT KILL, QUIT). */
  close(): void;
}

/** Per-connection state that both layers read. The dispatcher creates it and owns the rest. */
export interface Session {
  readonly connection: ClientConnection;
  /** RESP version replies are encoded in: 2 until HELLO 3. */
  protocol: 2 | 3;
  /** Set by QUIT: the server closes the connection once this reply is written. */
  closeAfterReply: boolean;
  /**
   * CLIENT REPLY: how many of the next replies the server drops instead of writing; 0 (the
   * normal case, the only one the hot path tests) writes every reply, REPLIES_OFF drops all.
   */
  repliesToSkip: number;
  /**
   * Wall-clock ms of the last bytes read from or written to the client (Redis
   * `lastinteraction`): the protocol layer stamps it with `CommandDispatcher.clockMs`. The idle
   * timeout and CLIENT LIST `idle=` read it.
   */
  lastInteractionMs: number;
  /**
   * A reply of this client is pending (CLIENT PAUSE, a consensus round): set by the protocol
   * layer. Like a blocked Redis client, such a client is never closed as idle.
   */
  waiting: boolean;
  /**
   * The client must authenticate before it may run commands (Redis authRequired): until then
   * the protocol layer refuses large requests (parser.ts).
   */
  readonly authRequired: boolean;
}

/**
 * A session as a connection starts it, for dispatchers other than CommandDispatcher (the
 * protocol layer's tests and benchmarks): RESP2, every reply written, no password asked.
 */
export function newSession(connection: ClientConnection): Session {
  return {
    connection,
    protocol: 2,
    closeAfterReply: false,
    repliesToSkip: 0,
    lastInteractionMs: 0,
    waiting: false,
    authRequired: false,
  };
}

/** `repliesToSkip` under CLIENT REPLY OFF: every reply is dropped until CLIENT REPLY ON. */
export const REPLIES_OFF = Number.POSITIVE_INFINITY;

/** Counters the protocol layer adds to; INFO stats and clients print them. */
export interface ServerStats {
  connectionsReceived: number;
  connectionsRejected: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Connections closed for exceeding a buffer limit or a protocol error. */
  protocolErrors: number;
}

export function newServerStats(): ServerStats {
  return {
    connectionsReceived: 0,
    connectionsRejected: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    protocolErrors: 0,
  };
}

/** dispatchPipelined: the command joined the connection's pack; `seal` answers it. */
export const PACKED: unique symbol = Symbol('packed');
/** dispatchPipelined: the pack must be answered first; dispatch this command again after it. */
export const DEFERRED: unique symbol = Symbol('deferred');
export type PipelinedReply = Reply | Promise<Reply> | typeof PACKED | typeof DEFERRED;

export interface CommandDispatcher {
  connect(connection: ClientConnection): Session;
  /** `args[0]` is the command name as sent; all arguments are latin1 strings (bytes). */
  dispatch(session: Session, args: readonly string[]): Reply | Promise<Reply>;
  /** As `dispatch`, for a server that calls `seal` before it waits for anything. */
  dispatchPipelined?(session: Session, args: readonly string[]): PipelinedReply;
  /**
   * Sends the commands packed since the last seal as one request; resolves with one reply per
   * command, in order. Undefined if nothing is packed. Never rejects for an operating error
   * (each command gets its error reply); a rejection is a bug.
   */
  seal?(session: Session): Promise<readonly Reply[]> | undefined;
  disconnect(session: Session): void;
  /** Number of connected clients (for maxclients checks and INFO). */
  readonly clientCount: number;
  /** A coarse wall clock in ms (refreshed by the server's cron) for `lastInteractionMs`. */
  readonly clockMs: number;
}
