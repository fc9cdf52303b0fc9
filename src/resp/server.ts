/**
 * The RESP TCP server: connections and bytes. Each connection moves its bytes through a
 * ClientTransport (transport.ts): by default the addon's batched socket I/O
 * (native-transport.ts), else a Node socket. For every parsed command it calls the dispatcher
 * (src/commands/session.ts) and encodes the reply with the session's protocol read after the
 * call.
 *
 * Per read chunk, every complete command is parsed and dispatched, and all synchronous replies
 * are encoded into one output buffer handed to the transport in ONE write (a socket write costs
 * ~8 µs; Nagle is off, so a second write per batch would also cost latency).
 * A reply that is a Promise stops parsing of that connection until it settles, which keeps
 * replies in request order and commands of one connection one after another. With a
 * dispatcher that packs (session.ts: a replicated node), the data commands of one read go out
 * as one request instead (`seal` at the end of the loop), and their replies in one write.
 *
 * Flow control: while replies are not drained (the transport's queuedBytes above
 * replyBufferBytesHigh) or a reply is pending, the socket is paused, so the kernel pushes back
 * on the client; above replyBufferBytesMax the client is disconnected.
 *
 * The output writer is shared by all connections: a connection always takes everything it
 * encoded before it returns to the event loop, so the writer is empty between turns.
 */
import net from 'node:net';
import type { Limits } from '../config/limits.js';
import { ErrorReply, type Reply } from '../commands/reply.js';
import {
  DEFERRED,
  PACKED,
  type ClientConnection,
  type CommandDispatcher,
  type PipelinedReply,
  type ServerStats,
  type Session,
} from '../commands/session.js';
import { assert, AssertionFailure } from '../shared/assert.js';
import { ReplyWriter, writeReply } from './encoder.js';
import { CarryPool, RespParser, RespProtocolError } from './parser.js';
import { adoptAccepted, nativeTransportAvailable } from './native-transport.js';
import { interceptAccept, staticReadSockets } from './static-read.js';
import { SocketTransport, type ClientTransport } from './transport.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;

export interface RespServerOptions {
  host: string;
  port: number;
  dispatcher: CommandDispatcher;
  limits: Limits;
  stats: ServerStats;
  log?: Log;
  /**
   * How client sockets move bytes: 'native' the addon's batched I/O (native-transport.ts),
   * 'static' Node sockets reading into one shared buffer (static-read.ts), 'node' plain Node
   * sockets. Default 'native'; each falls back to the next when this process cannot do it.
   */
  io?: IoMode;
}

export type IoMode = 'native' | 'static' | 'node';

export interface RespServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** How client sockets move bytes here (the wanted mode or a fallback). */
  readonly io: IoMode;
  /** Stops accepting, ends every client connection and resolves once all are closed. */
  close(): Promise<void>;
}

const INTERNAL_ERROR = new ErrorReply('ERR internal error');
const MAX_CLIENTS = Buffer.from('-ERR max number of clients reached\r\n', 'latin1');
/** How long close() lets clients read their last replies before destroying their sockets. */
const CLOSE_GRACE_MS = 1000;
/** The longest an ended connection waits for its queued replies to leave. */
const CLOSE_FLUSH_MAX_MS = 30_000;
/**
 * Bytes a connection reading into the static buffer still takes in while it waits (a pending
 * reply, or output to drain) before its socket stops being read. Node's own read path does
 * the same up to its stream high-water mark; reading on is how a client that hangs up while
 * its command waits (CLIENT PAUSE, consensus) is noticed, and its command dropped.
 */
const READ_AHEAD_BYTES = 64 * 1024;

/** Shared state of one listening server. */
interface ServerContext {
  readonly dispatcher: CommandDispatcher;
  readonly limits: Limits;
  readonly stats: ServerStats;
  readonly log: Log;
  readonly writer: ReplyWriter;
  readonly connections: Set<Connection>;
  /** A spare buffer for large bulks, shared by the connections (parser.ts CarryPool). */
  readonly carryPool: CarryPool;
}

let nextConnectionId = 1;

class Connection implements ClientConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly socket: ClientTransport;
  private readonly ctx: ServerContext;
  private readonly parser: RespParser;
  private readonly session: Session;
  /** A dispatched command's reply, or the sealed pack's replies, are pending. */
  private awaiting = false;
  /** Commands dispatched PACKED since the last seal. */
  private packed = 0;
  /** A command answered DEFERRED: dispatched again once the pack's replies are written. */
  private held: string[] | null = null;
  /** Waiting for 'drain' before reading more. */
  private draining = false;
  /** Inside process(): close requests wait until the current replies are written. */
  private processing = false;
  /** No further commands: ending after the queued replies. */
  private ending = false;
  private closed = false;
  constructor(socket: ClientTransport, ctx: ServerContext) {
    this.socket = socket;
    this.ctx = ctx;
    this.remoteAddress = socket.remoteAddress;
    this.localAddress = socket.localAddress;
    this.session = ctx.dispatcher.connect(this);
    this.parser = new RespParser(ctx.limits, {
      pool: ctx.carryPool,
      authRequired: () => this.session.authRequired,
    });
    socket.start({
      data: socket.sharedReads ? (view) => this.onSharedRead(view) : (chunk) => this.onData(chunk),
      drain: () => this.onDrain(),
      error: (message) => ctx.log('debug', 'client socket error', { id: this.id, error: message }),
      close: () => this.onClose(),
    });
  }

  /** ClientConnection.close: end after the replies already queued are flushed. */
  close(): void {
    if (this.ending || this.closed) return;
    this.ending = true;
    if (!this.processing && !this.awaiting) this.end();
  }

  /** Server shutdown: end now, destroy after a grace period whatever is still queued. */
  shutdown(): void {
    this.ending = true;
    this.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Ends our side after the queued replies. Reading resumes (what arrives is dropped): the
   * client's own end usually completes the close, and a paused socket would never see it. A
   * client that never ends its side would hold its connection (and a maxclients slot) for
   * ever, so the socket is destroyed once its replies have left and a grace period passed, as
   * Redis closes its descriptor once the reply is written.
   */
  private end(): void {
    this.socket.resume();
    this.socket.end();
    this.destroyOnceFlushed(Date.now() + CLOSE_FLUSH_MAX_MS);
  }

  /**
   * A large reply still going out to a slow reader is waited for, not cut, but not for ever: a
   * client that never reads would otherwise keep the connection, and --timeout could not free
   * it (its close is already under way).
   */
  private destroyOnceFlushed(deadlineMs: number): void {
    setTimeout(() => {
      if (this.closed || this.socket.destroyed) return;
      if (this.socket.queuedBytes > 0 && Date.now() < deadlineMs)
        this.destroyOnceFlushed(deadlineMs);
      else this.socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  }

  private onData(chunk: Buffer): void {
    this.ctx.stats.netInputBytes += chunk.length;
    this.interacted();
    if (this.ending) return;
    this.parser.feed(chunk);
    if (!this.awaiting && !this.draining) this.process();
    else this.pauseReading();
  }

  /** A read into a shared buffer: whatever the parser still holds of it is copied. */
  private onSharedRead(view: Buffer): void {
    this.onData(view);
    this.parser.release(view);
  }

  /** Stops reading while waiting, after READ_AHEAD_BYTES when reading into a shared buffer. */
  private pauseReading(): void {
    if (!this.socket.sharedReads || this.parser.bufferedBytes >= READ_AHEAD_BYTES)
      this.socket.pause();
  }

  private onDrain(): void {
    this.interacted();
    if (!this.draining) return;
    this.draining = false;
    if (!this.awaiting && !this.ending) {
      this.socket.resume();
      this.process();
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.connections.delete(this);
    this.ctx.dispatcher.disconnect(this.session);
  }

  /** Parses and runs commands until input runs out, a reply is pending or output backs up. */
  private process(): void {
    const writer = this.ctx.writer;
    this.processing = true;
    try {
      while (!this.ending) {
        const args = this.held ?? this.parser.next();
        this.held = null;
        if (args === null) break;
        if (args instanceof RespProtocolError) {
          // The parser repeats the error: it is answered after the pack's replies.
          if (this.packed === 0) this.protocolError(args);
          break;
        }
        const reply = this.dispatch(args);
        if (reply === PACKED) {
          this.packed++;
          continue;
        }
        if (reply === DEFERRED) {
          assert(this.packed > 0, 'a command deferred with nothing packed would wait forever');
          this.held = args;
          break;
        }
        if (reply instanceof Promise) {
          this.awaitReply(reply, args);
          break;
        }
        // CLIENT REPLY OFF|SKIP: one compare while replies are on (the normal case).
        if (this.session.repliesToSkip === 0) writeReply(writer, reply, this.session.protocol);
        else this.session.repliesToSkip--; // REPLIES_OFF (infinity) stays off
        if (this.session.closeAfterReply) this.ending = true;
        if (writer.pendingBytes + this.socket.queuedBytes > this.ctx.limits.replyBufferBytesHigh) {
          this.flush();
          if (this.draining) break;
        }
      }
    } finally {
      this.processing = false;
      if (this.packed > 0) this.seal();
      // Take everything this connection encoded, even if dispatch threw an assertion.
      this.flush();
    }
    if (this.ending && !this.awaiting) this.end();
  }

  private dispatch(args: string[]): PipelinedReply {
    const dispatcher = this.ctx.dispatcher;
    try {
      return dispatcher.dispatchPipelined === undefined
        ? dispatcher.dispatch(this.session, args)
        : dispatcher.dispatchPipelined(this.session, args);
    } catch (err) {
      return this.internalError(err, args);
    }
  }

  /** A dispatcher bug that is not an assertion: answer, log, keep serving. */
  private internalError(err: unknown, args: readonly string[]): Reply {
    if (err instanceof AssertionFailure) throw err;
    this.ctx.log('error', 'command failed', {
      id: this.id,
      command: (args[0] ?? '').slice(0, 64),
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    return INTERNAL_ERROR;
  }

  /**
   * Bytes moved either way: the client is not idle (Redis sets lastinteraction on every read
   * and write), so `--timeout` spares a client uploading a large value slowly.
   */
  private interacted(): void {
    this.session.lastInteractionMs = this.ctx.dispatcher.clockMs;
  }

  /** A reply is pending: the client is like a blocked Redis client, not idle. */
  private setAwaiting(awaiting: boolean): void {
    this.awaiting = awaiting;
    this.session.waiting = awaiting;
  }

  private awaitReply(reply: Promise<Reply>, args: readonly string[]): void {
    this.setAwaiting(true);
    this.pauseReading();
    reply.then(
      (value) => this.settle(value),
      (err: unknown) => this.settle(this.internalError(err, args)),
    );
  }

  /** Sends the packed commands; their replies are written together when they come. */
  private seal(): void {
    const count = this.packed;
    this.packed = 0;
    const replies = this.ctx.dispatcher.seal?.(this.session);
    assert(replies !== undefined, 'commands were packed but nothing was sealed');
    this.setAwaiting(true);
    this.pauseReading();
    replies.then(
      (values) => this.settleAll(values),
      (err: unknown) =>
        this.settleAll(new Array<Reply>(count).fill(this.internalError(err, ['(pipeline)']))),
    );
  }

  private settle(reply: Reply): void {
    this.setAwaiting(false);
    if (this.closed) return;
    this.writeSettled(reply);
    this.resume();
  }

  private settleAll(replies: readonly Reply[]): void {
    this.setAwaiting(false);
    if (this.closed) return;
    for (const reply of replies) this.writeSettled(reply);
    this.resume();
  }

  private writeSettled(reply: Reply): void {
    if (this.session.repliesToSkip === 0) writeReply(this.ctx.writer, reply, this.session.protocol);
    else this.session.repliesToSkip--;
    if (this.session.closeAfterReply) this.ending = true;
  }

  /** After settled replies: write them, then go on with the commands that wait. */
  private resume(): void {
    this.flush();
    if (this.ending) {
      this.end();
      return;
    }
    if (this.draining) return;
    this.socket.resume();
    this.process();
  }

  private protocolError(error: RespProtocolError): void {
    this.ctx.stats.protocolErrors++;
    this.ctx.log('info', 'protocol error, closing client', {
      id: this.id,
      addr: this.remoteAddress,
      reason: error.reason,
    });
    if (error.reply !== null) writeReply(this.ctx.writer, new ErrorReply(error.reply), 2);
    this.ending = true;
  }

  /** Writes what this connection encoded (one write) and applies the output limits. */
  private flush(): void {
    const out = this.ctx.writer.take();
    if (out === null || this.closed || this.socket.destroyed) return;
    this.ctx.stats.netOutputBytes += out.length;
    this.interacted();
    this.socket.write(out);
    const queued = this.socket.queuedBytes;
    if (queued > this.ctx.limits.replyBufferBytesMax) {
      this.ctx.stats.protocolErrors++;
      this.ctx.log('warn', 'client output buffer over limit, disconnecting', {
        id: this.id,
        addr: this.remoteAddress,
        queuedBytes: queued,
      });
      this.ending = true;
      this.socket.destroy();
      return;
    }
    // 'drain' comes only after a write that could not go out whole.
    if (queued > this.ctx.limits.replyBufferBytesHigh && this.socket.needsDrain) {
      this.draining = true;
      this.pauseReading();
    }
  }
}

export async function startRespServer(options: RespServerOptions): Promise<RespServer> {
  const ctx: ServerContext = {
    dispatcher: options.dispatcher,
    limits: options.limits,
    carryPool: new CarryPool(),
    stats: options.stats,
    log: options.log ?? (() => undefined),
    writer: new ReplyWriter(),
    connections: new Set(),
  };
  const server = net.createServer((socket) => accept(new SocketTransport(socket), ctx));
  server.on('error', (err) => ctx.log('error', 'RESP listener error', { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const io = takeOverAccept(server, options.io ?? 'native', ctx);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  ctx.log('info', 'RESP server listening', { host: options.host, port, io });
  return {
    port,
    io,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of ctx.connections) connection.shutdown();
      await closed;
      // The listener reports closed before the connections' own 'close' handlers have run.
      while (ctx.connections.size > 0) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Routes accepted connections to the transport `wanted`, or the next one this process has. */
function takeOverAccept(server: net.Server, wanted: IoMode, ctx: ServerContext): IoMode {
  if (wanted === 'node') return 'node';
  const onAcceptError = (errno: number): void => ctx.log('warn', 'accept failed', { errno });
  // The static buffer is made on first use: with the addon it serves only a failed adoption.
  let staticSocket: ReturnType<typeof staticReadSockets> | undefined;
  const viaStaticRead = (clientHandle: unknown): void => {
    const [socket, setSink] = (staticSocket ??= staticReadSockets())(clientHandle);
    accept(new SocketTransport(socket, setSink), ctx);
  };
  if (wanted === 'native' && nativeTransportAvailable()) {
    const ok = interceptAccept(
      server,
      (clientHandle) => {
        const transport = adoptAccepted(clientHandle);
        if (transport === null) viaStaticRead(clientHandle);
        else accept(transport, ctx);
      },
      onAcceptError,
    );
    if (ok) return 'native';
  }
  return interceptAccept(server, viaStaticRead, onAcceptError) ? 'static' : 'node';
}

function accept(socket: ClientTransport, ctx: ServerContext): void {
  if (ctx.dispatcher.clientCount >= ctx.limits.clientsMax) {
    ctx.stats.connectionsRejected++;
    socket.start({
      data: () => undefined,
      drain: () => undefined,
      error: () => undefined,
      close: () => undefined,
    });
    socket.write(MAX_CLIENTS);
    socket.end();
    return;
  }
  ctx.stats.connectionsReceived++;
  ctx.connections.add(new Connection(socket, ctx));
}
