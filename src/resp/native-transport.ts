/**
 * Client connections on the addon's batched socket I/O (native/src/io.c).
 *
 * Node hands every read of every socket to JS through its own callback path and every write
 * through a Writable stream; with many unpipelined clients that per-event machinery costs
 * about as much CPU as running the commands. The addon polls the sockets in Node's own loop,
 * reads every socket that is ready in one turn into one shared buffer and calls `deliver`
 * ONCE per turn with all of them; replies are written straight to the socket, and only what
 * the kernel does not take is copied into a queue.
 *
 * Connections are still accepted by Node's listener (binding, port 0, close): the accepted
 * handle's descriptor is duplicated into the addon and Node's handle closed (Node internals:
 * the handle's `fd`, `getpeername`, `getsockname`; without them the caller keeps Node's
 * socket). Semantics follow a Node socket with allowHalfOpen false: at the peer's end of
 * input our side ends too, and the transport closes once both sides are done.
 */
import { getSystemErrorName } from 'node:util';
import { nativeIo, type NativeIo } from '../shared/native.js';
import { formatAddress, type ClientTransport, type TransportHandlers } from './transport.js';

/** Event records from io.c: [type, id, a, b]. */
const EVENT_INTS = 4;
const EV_DATA = 1;
const EV_EOF = 2;
const EV_ERROR = 3;
const EV_DRAIN = 4;

interface Runtime {
  readonly io: NativeIo;
  readonly read: Buffer;
  readonly events: Int32Array;
  readonly transports: Map<number, NativeTransport>;
}

/** Created on first use; null when the addon (or its I/O part) is not loaded. */
let runtime: Runtime | null | undefined;

function getRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  const io = nativeIo();
  if (io === undefined) return (runtime = null);
  let shared: ReturnType<NativeIo['io_init']>;
  try {
    shared = io.io_init(deliver);
  } catch {
    return (runtime = null); // initialised by another environment of this process (a worker)
  }
  return (runtime = {
    io,
    read: shared.read,
    events: new Int32Array(shared.events),
    transports: new Map(),
  });
}

/**
 * One batch of events: every read of this turn, ends of input, errors, drained queues. Every
 * event is handed over even if a handler throws (the addon does not send them again); the
 * first exception is rethrown afterwards, an uncaught exception as with Node's sockets.
 */
function deliver(count: number): void {
  if (runtime === null || runtime === undefined) return;
  const { events, read, transports } = runtime;
  let thrown: { error: unknown } | undefined;
  for (let i = 0, base = 0; i < count; i++, base += EVENT_INTS) {
    const transport = transports.get(events[base + 1] as number);
    // A connection closed earlier in this batch: its remaining events have no one to tell.
    if (transport === undefined) continue;
    try {
      deliverOne(
        transport,
        events[base] as number,
        events[base + 2] as number,
        events[base + 3] as number,
        read,
      );
    } catch (error) {
      thrown ??= { error };
    }
  }
  if (thrown !== undefined) throw thrown.error;
}

function deliverOne(
  transport: NativeTransport,
  type: number,
  a: number,
  b: number,
  read: Buffer,
): void {
  switch (type) {
    case EV_DATA:
      transport.onData(read.subarray(a, a + b));
      break;
    case EV_EOF:
      transport.onEnd();
      break;
    case EV_ERROR:
      transport.onError(a);
      break;
    case EV_DRAIN:
      transport.onDrain();
      break;
    // 0: a drain the addon retracted (output was queued again before it was delivered).
  }
}

/** Whether accepted sockets can move to the addon's I/O in this process. */
export function nativeTransportAvailable(): boolean {
  return getRuntime() !== null;
}

interface AcceptedHandle {
  fd?: number;
  getpeername?: (out: Record<string, unknown>) => number;
  getsockname?: (out: Record<string, unknown>) => number;
  close?: () => void;
}

function handleAddress(get: (out: Record<string, unknown>) => number): string {
  const out: Record<string, unknown> = {};
  get(out);
  return formatAddress(
    typeof out['address'] === 'string' ? out['address'] : undefined,
    typeof out['port'] === 'number' ? out['port'] : undefined,
  );
}

/**
 * Moves an accepted handle (the `clientHandle` of a listener's onconnection) to the addon.
 * Returns null, leaving the handle as it was, when that is not possible.
 */
export function adoptAccepted(clientHandle: unknown): NativeTransport | null {
  const rt = getRuntime();
  const handle = clientHandle as AcceptedHandle;
  if (
    rt === null ||
    typeof handle.fd !== 'number' ||
    handle.fd < 0 ||
    typeof handle.getpeername !== 'function' ||
    typeof handle.getsockname !== 'function' ||
    typeof handle.close !== 'function'
  )
    return null;
  const remote = handleAddress(handle.getpeername.bind(handle));
  const local = handleAddress(handle.getsockname.bind(handle));
  const id = rt.io.io_adopt(handle.fd);
  if (id < 0) return null;
  handle.close();
  const transport = new NativeTransport(rt, id, remote, local);
  rt.transports.set(id, transport);
  return transport;
}

export class NativeTransport implements ClientTransport {
  readonly sharedReads = true;
  queuedBytes = 0;
  needsDrain = false;
  destroyed = false;
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly rt: Runtime;
  private readonly id: number;
  private handlers: TransportHandlers | undefined;
  /** The peer ended its side (read returned 0). */
  private inputEnded = false;
  /** end() was called: our side shuts down once the queue is written. */
  private ending = false;

  constructor(rt: Runtime, id: number, remoteAddress: string, localAddress: string) {
    this.rt = rt;
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.localAddress = localAddress;
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  /** Bytes written after end() are dropped, as the shutdown is already on its way. */
  write(bytes: Buffer): void {
    if (this.destroyed || this.ending) return;
    const queued = this.rt.io.io_write(this.id, bytes, 0, bytes.length);
    if (queued < 0) {
      this.onError(-queued);
      return;
    }
    this.queuedBytes = queued;
    if (queued > 0) this.needsDrain = true;
  }

  pause(): void {
    if (!this.destroyed) this.rt.io.io_read(this.id, 0);
  }

  resume(): void {
    if (!this.destroyed && !this.inputEnded) this.rt.io.io_read(this.id, 1);
  }

  end(): void {
    if (this.destroyed || this.ending) return;
    this.ending = true;
    this.rt.io.io_end(this.id);
    this.finishIfDone();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.rt.transports.delete(this.id);
    this.rt.io.io_close(this.id);
    // As a Node socket's 'close': after the current call stack.
    process.nextTick(() => this.handlers?.close());
  }

  onData(view: Buffer): void {
    this.handlers?.data(view);
  }

  onEnd(): void {
    this.inputEnded = true;
    if (this.ending) this.finishIfDone();
    else this.end();
  }

  onDrain(): void {
    this.queuedBytes = 0;
    const waited = this.needsDrain;
    this.needsDrain = false;
    this.finishIfDone();
    if (waited && !this.destroyed) this.handlers?.drain();
  }

  onError(errno: number): void {
    if (this.destroyed) return;
    this.handlers?.error(`${getSystemErrorName(-errno)} (socket)`);
    this.destroy();
  }

  private finishIfDone(): void {
    if (this.ending && this.inputEnded && this.queuedBytes === 0) this.destroy();
  }
}
