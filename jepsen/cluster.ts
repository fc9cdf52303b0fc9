/**
 * Starts a real memlayer cluster for the harness: N server processes on loopback, each with its
 * own data directory, and a FaultProxy for every directed peer link i -> j, so node i reaches
 * node j only through proxy(i, j). Partitions cut proxies; kill and pause act on processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { FaultProxy } from './proxy.js';

export interface NodeSpec {
  readonly id: number;
  readonly respPort: number;
  readonly adminPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
}

export interface ClusterOptions {
  readonly nodes: number;
  readonly baseDir: string;
  /** Path of the memlayer executable script (bin/memlayer.js). */
  readonly bin: string;
  readonly logDir: string;
  readonly extraArgs?: readonly string[];
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class Cluster {
  readonly specs: NodeSpec[] = [];
  readonly processes = new Map<number, ChildProcess>();
  readonly paused = new Set<number>();
  /** proxies.get(`${from}->${to}`) */
  readonly proxies = new Map<string, FaultProxy>();

  constructor(private readonly options: ClusterOptions) {}

  async start(): Promise<void> {
    rmSync(this.options.baseDir, { recursive: true, force: true });
    mkdirSync(this.options.logDir, { recursive: true });
    for (let id = 1; id <= this.options.nodes; id++) {
      const dataDir = join(this.options.baseDir, `n${id}`);
      mkdirSync(dataDir, { recursive: true });
      this.specs.push({
        id,
        respPort: await freePort(),
        adminPort: await freePort(),
        peerPort: await freePort(),
        dataDir,
      });
    }
    for (const from of this.specs) {
      for (const to of this.specs) {
        if (from.id === to.id) continue;
        const proxy = new FaultProxy('127.0.0.1', to.peerPort);
        await proxy.listen();
        this.proxies.set(`${from.id}->${to.id}`, proxy);
      }
    }
    for (const spec of this.specs) this.launch(spec);
  }

  /** The peer list node `id` is started with: every other node through its proxy. */
  peersFor(id: number): string {
    return this.specs
      .map(
        (s) =>
          `${s.id}=127.0.0.1:${s.id === id ? s.peerPort : (this.proxies.get(`${id}->${s.id}`)?.port ?? 0)}`,
      )
      .join(',');
  }

  launch(spec: NodeSpec): void {
    const args = [
      this.options.bin,
      'server',
      '--id',
      String(spec.id),
      '--bind',
      '127.0.0.1',
      '--port',
      String(spec.respPort),
      '--admin-port',
      String(spec.adminPort),
      '--peer-port',
      String(spec.peerPort),
      '--peers',
      this.peersFor(spec.id),
      '--data-dir',
      spec.dataDir,
      '--log-level',
      'warn',
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', () => undefined);
    this.processes.set(spec.id, child);
  }

  spec(id: number): NodeSpec {
    const spec = this.specs.find((s) => s.id === id);
    if (spec === undefined) throw new Error(`no node ${id}`);
    return spec;
  }

  kill(id: number): void {
    const child = this.processes.get(id);
    if (this.paused.has(id)) this.resume(id);
    child?.kill('SIGKILL');
    this.processes.delete(id);
  }

  restart(id: number): void {
    if (!this.processes.has(id)) this.launch(this.spec(id));
  }

  pause(id: number): void {
    this.processes.get(id)?.kill('SIGSTOP');
    this.paused.add(id);
  }

  resume(id: number): void {
    this.processes.get(id)?.kill('SIGCONT');
    this.paused.delete(id);
  }

  /** Cuts every link between the two sides (both directions). */
  partition(sideA: readonly number[], sideB: readonly number[]): void {
    for (const a of sideA) {
      for (const b of sideB) {
        this.proxies.get(`${a}->${b}`)?.cut();
        this.proxies.get(`${b}->${a}`)?.cut();
      }
    }
  }

  /** Cuts exactly the given directed-pair-free links: a ring keeps each node's two neighbours. */
  cutLink(a: number, b: number): void {
    this.proxies.get(`${a}->${b}`)?.cut();
    this.proxies.get(`${b}->${a}`)?.cut();
  }

  healNetwork(): void {
    for (const proxy of this.proxies.values()) proxy.heal();
  }

  async healAll(): Promise<void> {
    this.healNetwork();
    for (const id of [...this.paused]) this.resume(id);
    for (const spec of this.specs) this.restart(spec.id);
  }

  async stop(): Promise<void> {
    for (const id of [...this.processes.keys()]) this.kill(id);
    for (const proxy of this.proxies.values()) await proxy.close();
  }

  /** GET /v1/cluster on any reachable node: who leads now (0 if unknown). */
  async leader(): Promise<number> {
    for (const spec of this.specs) {
      if (!this.processes.has(spec.id) || this.paused.has(spec.id)) continue;
      try {
        const response = await fetch(`http://127.0.0.1:${spec.adminPort}/v1/cluster`, {
          signal: AbortSignal.timeout(500),
        });
        const body = (await response.json()) as { leader?: number };
        if (typeof body.leader === 'number' && body.leader > 0) return body.leader;
      } catch {
        // try the next node
      }
    }
    return 0;
  }
}
