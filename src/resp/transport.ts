/**
 * What a client connection needs from its socket, and the adapter over a Node `net.Socket`.
 *
 * The RESP server (server.ts) speaks to a ClientTransport only, so the bytes can move through
 * Node's streams (this file), Node's streams reading into one static buffer (static-read.ts),
 * or the addon's batched socket I/O (native-transport.ts) without the protocol code knowing.
 */
import type net from 'node:net';
import type { ReadSink } from './static-read.js';

/** Callbacks of one transport; set once by the connection that owns it. */
export interface TransportHandlers {
  /** Bytes read. With `sharedReads` the view is only valid during the call. */
  data(view: Buffer): void;
  /** Everything written has left; only after a write that set `needsDrain`. */
  drain(): void;
  /** A socket error, for the log; `close` follows. */
  error(message: string): void;
  /** The connection is gone (after destroy(), an error, or both sides ended). Called once. */
  close(): void;
}

export interface ClientTransport {
  /** `ip:port` of the peer and of our end. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Reads land in a buffer the next read overwrites: consume or copy during `data`. */
  readonly sharedReads: boolean;
  /** Bytes handed to write() that the kernel has not taken yet. */
  readonly queuedBytes: number;
  /** The last write could not go out whole: `drain` will be called. */
  readonly needsDrain: boolean;
  readonly destroyed: boolean;
  start(handlers: TransportHandlers): void;
  /** Queues bytes for the peer. The transport may keep `bytes`: never rewrite them. */
  write(bytes: Buffer): void;
  /** Stops and restarts reading (the kernel then pushes back on the client). */
  pause(): void;
  resume(): void;
  /** Half-closes after the queued output; `close` follows once the peer closes too. */
  end(): void;
  /** Closes now, dropping queued output. */
  destroy(): void;
}

export function formatAddress(address: string | undefined, port: number | undefined): string {
  const host = address ?? '?';
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

/** A Node socket as a ClientTransport; `setSink` when it reads into the static buffer. */
export class SocketTransport implements ClientTransport {
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly sharedReads: boolean;
  private readonly socket: net.Socket;
  private readonly setSink: ((sink: ReadSink) => void) | undefined;

  constructor(socket: net.Socket, setSink?: (sink: ReadSink) => void) {
    this.socket = socket;
    this.setSink = setSink;
    this.sharedReads = setSink !== undefined;
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    // Redis sets TCP_NODELAY too: a reply must not wait for the client's delayed ACK.
    socket.setNoDelay(true);
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  get needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  start(handlers: TransportHandlers): void {
    const socket = this.socket;
    if (this.setSink === undefined) socket.on('data', (chunk: Buffer) => handlers.data(chunk));
    else this.setSink((view) => handlers.data(view));
    socket.on('drain', () => handlers.drain());
    socket.on('error', (err: Error) => handlers.error(err.message));
    socket.on('close', () => handlers.close());
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
