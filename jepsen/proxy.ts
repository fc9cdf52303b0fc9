/**
 * A fault-injection TCP proxy: the harness puts one in front of every peer link (one per
 * direction, i -> j), so it can partition nodes without root privileges. While `cut`, the
 * proxy destroys the connections it carries and black-holes new ones (accepts, then forwards
 * nothing), which looks to both ends like a network partition: requests time out rather than
 * fail fast. `delayMs` adds latency to every chunk.
 */
import net from 'node:net';

export interface ProxyStats {
  connections: number;
  bytesForwarded: number;
  chunksDropped: number;
}

export class FaultProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket | undefined }>();
  private cutNow = false;
  delayMs = 0;
  readonly stats: ProxyStats = { connections: 0, bytesForwarded: 0, chunksDropped: 0 };

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  /** Listens on 127.0.0.1 on a free port (or `port`); resolves with the port. */
  async listen(port = 0): Promise<number> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    return address.port;
  }

  get port(): number {
    const address = this.server?.address();
    return address && typeof address !== 'string' ? address.port : 0;
  }

  get isCut(): boolean {
    return this.cutNow;
  }

  /** Partitions the link: existing connections die, new ones hang. */
  cut(): void {
    this.cutNow = true;
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
  }

  heal(): void {
    this.cutNow = false;
    // Black-holed connections carry nothing: drop them so the peers reconnect cleanly.
    for (const pair of this.pairs) if (pair.upstream === undefined) pair.client.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.stats.connections++;
    const pair: { client: net.Socket; upstream: net.Socket | undefined } = {
      client,
      upstream: undefined,
    };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    if (this.cutNow) {
      client.on('data', () => this.stats.chunksDropped++);
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.cutNow) {
        this.stats.chunksDropped++;
        return;
      }
      this.stats.bytesForwarded += chunk.length;
      if (this.delayMs > 0) {
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, this.delayMs);
        return;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  }
}
