/**
 * Peer transport over @grpc/grpc-js: one long-lived bidirectional stream per ordered pair of
 * nodes (proto/raft.proto).
 *
 * Direction. Node A receives from node B on the stream A dialled to B's server: B writes every
 * frame addressed to A down that call (server -> client). grpc-js keeps a server's HTTP/2
 * receive window at 64 KiB, but lets a client open a 16 MiB one, so bulk data (appends,
 * snapshot chunks) must flow server -> client (reference/peer-transport.md: 2.2-3.4x faster).
 * The dialling side sends only its Hello.
 *
 * Batching. Everything sent to one peer during an event-loop turn goes out as one Frame: the
 * fixed cost of a gRPC message (~20 us) is paid once per turn, not once per Raft message.
 *
 * Backpressure. grpc-js counts queued messages, not bytes; each peer's queue is bounded in
 * bytes here, and a frame that does not fit is dropped (Raft retransmits; forwarded requests
 * time out) and the peer is reported unreachable so the leader stops pipelining to it.
 */
import {
  Client,
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  status,
  type ClientDuplexStream,
  type ServerDuplexStream,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { NodeId } from '../raft/types.js';
import { nodeId } from '../shared/brand.js';
import {
  frameBytes,
  peerService,
  type WireFrame,
  type WireHello,
  type WireMessage,
  type WireRequest,
  type WireResponse,
} from './wire.js';

export interface TransportOptions {
  readonly self: NodeId;
  /** Nodes of different clusters refuse each other's streams. */
  readonly cluster: string;
  /** Where clients reach this node (sent in Hello, used for -MOVED). */
  readonly respAddress: string;
  /** Where operators reach this node's REST admin API (sent in Hello). */
  readonly adminAddress: string;
  /** Largest frame accepted (gRPC max_receive_message_length): above the largest batch or chunk. */
  readonly frameBytesMax: number;
  /** Bytes queued towards one peer before frames are dropped. */
  readonly queueBytesMax: number;
  /** A Hello must arrive this soon after a stream opens. */
  readonly helloTimeoutMs: number;
  /**
   * A dialled stream that has no Hello back this soon is abandoned with its connection, and
   * the peer dialled afresh (see `dial`). Default DIAL_TIMEOUT_MS.
   */
  readonly dialTimeoutMs?: number;
  /** Keepalive ping interval, and how long a ping waits for its answer. Default KEEPALIVE_MS. */
  readonly keepaliveMs?: number;
  readonly onFrame: (from: NodeId, frame: WireFrame) => void;
  readonly onUnreachable: (peer: NodeId) => void;
  readonly log: (level: 'info' | 'warn', msg: string) => void;
}

/** A peer's stream to our server: the way frames reach that peer. */
interface Sink {
  readonly call: ServerDuplexStream<WireFrame, WireFrame>;
  queuedBytes: number;
}

interface Dialer {
  address: string;
  client: Client | undefined;
  call: ClientDuplexStream<WireFrame, WireFrame> | undefined;
  timer: NodeJS.Timeout | undefined;
  backoffMs: number;
}

/**
 * What a node takes on a stream it was dialled on: the dialling side sends only its Hello. A
 * frame of tiny messages decodes to about a hundred times its size in objects, so accepting
 * `frameBytesMax` (64 MiB) from any client that reaches the peer port would let one frame take
 * gigabytes; the frames that carry data come in on the streams this node dialled.
 */
const DIALLED_FRAME_BYTES_MAX = 64 * 1024;
const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 1000;
const DIAL_TIMEOUT_MS = 2000;
/** Keepalive ping interval, and how long a ping may wait for its answer (both ends). */
const KEEPALIVE_MS = 2000;
const keepalive = (ms = KEEPALIVE_MS): Record<string, number> => ({
  'grpc.keepalive_time_ms': ms,
  'grpc.keepalive_timeout_ms': ms,
});

export interface TransportStats {
  framesSent: number;
  framesDropped: number;
  bytesSent: number;
  framesReceived: number;
}

export class PeerTransport {
  private readonly server: Server;
  private readonly sinks = new Map<NodeId, Sink>();
  private readonly dialers = new Map<NodeId, Dialer>();
  private readonly pending = new Map<NodeId, Required<Omit<WireFrame, 'hello'>>>();
  private flushScheduled = false;
  private closed = false;
  private advertised = '';
  private resp: string;
  private admin: string;
  /** What each peer said about itself in its Hello. */
  readonly peers = new Map<NodeId, WireHello>();
  readonly stats: TransportStats = {
    framesSent: 0,
    framesDropped: 0,
    bytesSent: 0,
    framesReceived: 0,
  };

  /**
   * The Peer service, logging why a frame could not be read: grpc-js fails the stream with a
   * generic "Error deserializing" status and keeps the reason to itself.
   */
  private readonly service: ServiceDefinition;

  constructor(private readonly opts: TransportOptions) {
    const pull = peerService()['Pull'];
    if (pull === undefined) throw new Error('proto/raft.proto has no Pull method');
    const read = (bytes: Buffer): WireFrame => {
      try {
        return pull.requestDeserialize(bytes) as WireFrame;
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        opts.log('warn', `malformed frame from a peer (${bytes.length} bytes): ${why}`);
        throw err;
      }
    };
    this.service = { Pull: { ...pull, requestDeserialize: read, responseDeserialize: read } };
    this.resp = opts.respAddress;
    this.admin = opts.adminAddress;
    this.server = new Server({
      'grpc.max_receive_message_length': DIALLED_FRAME_BYTES_MAX,
      'grpc.max_send_message_length': opts.frameBytesMax,
      // The dialling side's keepalive closes a connection across a silent partition, but its
      // close is lost in the partition too: without our own pings, the stream we send on
      // would stay open, the peer reported connected and frames queued for nobody until the
      // heal (seen with jepsen/netns.ts: 20 s and more).
      ...keepalive(opts.keepaliveMs),
    });
    this.server.addService(this.service, {
      Pull: (call: ServerDuplexStream<WireFrame, WireFrame>) => this.accept(call),
    });
  }

  /** Binds the peer port (0 for any free one); returns the bound `host:port`. */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
        if (err !== null) return reject(err);
        this.advertised = `${host}:${bound}`;
        resolve(this.advertised);
      });
    });
  }

  get address(): string {
    return this.advertised;
  }

  /**
   * Updates what our Hellos say (the RESP and admin ports are known only once those listeners
   * are bound) and re-opens our streams so that every peer hears it.
   */
  updateAdvertised(resp: string, admin: string): void {
    if (resp === this.resp && admin === this.admin) return;
    this.resp = resp;
    this.admin = admin;
    for (const d of this.dialers.values()) d.call?.cancel();
  }

  /** Starts (or re-targets) the stream that receives from `peer`. */
  connect(peer: NodeId, address: string): void {
    if (peer === this.opts.self || this.closed) return;
    const existing = this.dialers.get(peer);
    if (existing?.address === address) return;
    if (existing !== undefined) this.disconnect(peer);
    const d: Dialer = {
      address,
      client: undefined,
      call: undefined,
      timer: undefined,
      backoffMs: RECONNECT_MIN_MS,
    };
    this.dialers.set(peer, d);
    this.dial(peer, d);
  }

  disconnect(peer: NodeId): void {
    const d = this.dialers.get(peer);
    this.dialers.delete(peer);
    if (d !== undefined) {
      clearTimeout(d.timer);
      d.call?.cancel();
      d.client?.close();
    }
    this.sinks.get(peer)?.call.end();
    this.sinks.delete(peer);
    this.peers.delete(peer);
  }

  connected(peer: NodeId): boolean {
    return this.sinks.has(peer);
  }

  sendMessage(to: NodeId, m: WireMessage): void {
    this.frameFor(to).messages.push(m);
  }
  sendRequest(to: NodeId, r: WireRequest): void {
    this.frameFor(to).requests.push(r);
  }
  sendResponse(to: NodeId, r: WireResponse): void {
    this.frameFor(to).responses.push(r);
  }

  /** Writes every peer's pending frame now (also runs on its own once per turn). */
  flush(): void {
    this.flushScheduled = false;
    for (const [to, frame] of this.pending) this.write(to, frame);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const peer of [...this.dialers.keys()]) this.disconnect(peer);
    for (const sink of this.sinks.values()) sink.call.end();
    this.sinks.clear();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => (this.server.forceShutdown(), resolve()), 1000);
      this.server.tryShutdown(() => (clearTimeout(force), resolve()));
    });
  }

  private frameFor(to: NodeId): Required<Omit<WireFrame, 'hello'>> {
    let f = this.pending.get(to);
    if (f === undefined) {
      f = { messages: [], requests: [], responses: [] };
      this.pending.set(to, f);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return f;
  }

  private write(to: NodeId, frame: WireFrame): void {
    const sink = this.sinks.get(to);
    const bytes = frameBytes(frame);
    if (sink === undefined || sink.queuedBytes + bytes > this.opts.queueBytesMax) {
      this.stats.framesDropped++;
      if ((frame.messages?.length ?? 0) > 0) this.opts.onUnreachable(to);
      return;
    }
    sink.queuedBytes += bytes;
    this.stats.framesSent++;
    this.stats.bytesSent += bytes;
    sink.call.write(frame, () => {
      sink.queuedBytes -= bytes;
    });
  }

  private hello(to: NodeId): WireHello {
    return {
      from: this.opts.self,
      to,
      cluster: this.opts.cluster,
      respAddress: this.resp,
      peerAddress: this.advertised,
      adminAddress: this.admin,
    };
  }

  /** Checks a Hello; returns why it is refused, or undefined. */
  private refuse(
    h: WireHello | null | undefined,
    expectedFrom: NodeId | undefined,
  ): string | undefined {
    if (h === null || h === undefined) return 'first frame must be a Hello';
    if (h.cluster !== this.opts.cluster)
      return `cluster "${h.cluster}" is not "${this.opts.cluster}"`;
    if (h.to !== this.opts.self) return `addressed to node ${h.to}, this is node ${this.opts.self}`;
    if (h.from === 0 || h.from === this.opts.self) return `bad sender id ${h.from}`;
    if (expectedFrom !== undefined && h.from !== expectedFrom)
      return `expected node ${expectedFrom}, found node ${h.from}`;
    return undefined;
  }

  /** Server side: a peer opened its receive stream to us. */
  private accept(call: ServerDuplexStream<WireFrame, WireFrame>): void {
    let peer: NodeId | undefined;
    const timer = setTimeout(() => {
      call.emit('error', { code: status.DEADLINE_EXCEEDED, details: 'no Hello in time' });
    }, this.opts.helloTimeoutMs);
    call.on('data', (frame: WireFrame) => {
      if (peer !== undefined) return; // the dialling side sends nothing after its Hello
      clearTimeout(timer);
      const why = this.refuse(frame.hello, undefined);
      if (why !== undefined || frame.hello === null || frame.hello === undefined) {
        this.opts.log('warn', `peer stream refused: ${why ?? 'no hello'}`);
        call.emit('error', { code: status.FAILED_PRECONDITION, details: why });
        return;
      }
      const from = nodeId(frame.hello.from);
      peer = from;
      this.peers.set(from, frame.hello);
      this.sinks.get(from)?.call.end();
      this.sinks.set(from, { call, queuedBytes: 0 });
      call.write({ hello: this.hello(from) });
    });
    const gone = (): void => {
      clearTimeout(timer);
      if (peer !== undefined && this.sinks.get(peer)?.call === call) this.sinks.delete(peer);
    };
    call.on('end', () => (gone(), call.end()));
    call.on('error', gone);
    call.on('cancelled', gone);
  }

  /** Client side: open the stream on which `peer` sends to us; retry with backoff. */
  private dial(peer: NodeId, d: Dialer): void {
    const method = this.service['Pull'];
    if (method === undefined) throw new Error('proto/raft.proto has no Pull method');
    d.client ??= new Client(d.address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': this.opts.frameBytesMax,
      'grpc.max_send_message_length': this.opts.frameBytesMax,
      'grpc-node.flow_control_window': 16 * 1024 * 1024,
      // A peer that vanished without a FIN (power loss, partition) is noticed within 4 s and
      // the stream re-dialled; loopback kills are seen at once (RST).
      ...keepalive(this.opts.keepaliveMs),
      'grpc.initial_reconnect_backoff_ms': RECONNECT_MIN_MS,
      'grpc.max_reconnect_backoff_ms': RECONNECT_MAX_MS,
      // Its own connection: a channel closed below must not leave it to the next one.
      'grpc.use_local_subchannel_pool': 1,
    });
    const call = d.client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      new Metadata(),
      {},
    ) as ClientDuplexStream<WireFrame, WireFrame>;
    d.call = call;
    let greeted = false;
    // A connection attempt whose SYNs a partition drops is retried by the kernel with doubling
    // gaps: after a minute's partition a follower came back 21-22 s after the heal (measured
    // with jepsen/netns.ts). grpc-js has no connect timeout, so the stream gets one: no Hello
    // in time, and the channel goes with its connection; the next dial opens a new one, so a
    // healed link is found within about one timeout. The abandoned connect stays in the kernel
    // (SYN-SENT: 28 after a 40 s cut, two peers) until its retries end, about two minutes, or
    // it completes after the heal and is closed.
    const deadline = setTimeout(() => {
      if (d.call !== call || greeted) return;
      const client = d.client;
      d.client = undefined;
      call.cancel();
      client?.close();
    }, this.opts.dialTimeoutMs ?? DIAL_TIMEOUT_MS);
    call.on('data', (frame: WireFrame) => {
      if (!greeted) {
        clearTimeout(deadline);
        const why = this.refuse(frame.hello, peer);
        if (why !== undefined || frame.hello === null || frame.hello === undefined) {
          this.opts.log('warn', `peer ${peer} at ${d.address} refused: ${why ?? 'no hello'}`);
          call.cancel();
          return;
        }
        greeted = true;
        d.backoffMs = RECONNECT_MIN_MS;
        this.peers.set(peer, frame.hello);
        return;
      }
      this.stats.framesReceived++;
      this.opts.onFrame(peer, frame);
    });
    const retry = (): void => {
      clearTimeout(deadline);
      if (d.call !== call) return;
      d.call = undefined;
      if (this.closed || this.dialers.get(peer) !== d) return;
      d.timer = setTimeout(() => this.dial(peer, d), d.backoffMs);
      d.backoffMs = Math.min(d.backoffMs * 2, RECONNECT_MAX_MS);
    };
    call.on('error', retry);
    call.on('end', retry);
    call.on('status', retry);
    call.write({ hello: this.hello(peer) });
  }
}
