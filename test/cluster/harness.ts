/**
 * Real memlayer clusters for the cluster tests: one `memlayer server --durability fsync`
 * process per node (bin/memlayer.js), real disks under one temp directory, real gRPC between
 * them, a tiny RESP client, and the faults the tests inject (kill -9, SIGSTOP/SIGCONT, wipe).
 * Timeouts are shortened through the MEMLAYER_RAFT_* environment knobs (runtime.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient } from './resp-client.js';
import { SERVER_NODE_FLAGS } from '../../src/config/runtime.js';
import { freePort as reservePort } from '../../jepsen/cluster.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(REPO_ROOT, 'bin', 'memlayer.js');

/** Fast elections for tests: 50 ms ticks, 10 ticks (0.5-1 s election timeout). */
export const TEST_ENV: Readonly<Record<string, string>> = {
  MEMLAYER_RAFT_TICK_MS: '50',
  MEMLAYER_RAFT_ELECTION_TICKS: '10',
  MEMLAYER_REQUEST_TIMEOUT_MS: '3000',
};

/**
 * Node ports are reserved up front and listened on seconds later, after every peer was told
 * them: a port from listen(0) could be taken by another test's connection meanwhile
 * (EADDRINUSE). The harness' allocator picks below the ephemeral range instead.
 */
export const freePort = reservePort;

export interface NodeSpec {
  readonly id: number;
  readonly resp: number;
  readonly admin: number;
  readonly peer: number;
  readonly dataDir: string;
}

export class NodeProcess {
  child: ChildProcess | undefined;
  output = '';
  private exit: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly spec: NodeSpec,
    private readonly args: () => string[],
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  get alive(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /**
   * Starts the process; resolves once it logged `memlayer ready`. A node takes about a second
   * to start alone; five starting at once on a loaded 2-core machine took over 20 s once.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, BIN, ...this.args()], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    this.exit = new Promise((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`node ${this.spec.id} did not start:\n${this.output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (this.output.includes('"msg":"memlayer ready"')) {
          clearTimeout(timer);
          done();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
      void this.exit.then((code) => {
        clearTimeout(timer);
        fail(new Error(`node ${this.spec.id} exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Runs the process to its exit (for startup failures); resolves with code and output. */
  async runToExit(timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, BIN, ...this.args()], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      env: { ...process.env, ...this.env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    clearTimeout(timer);
    return { code, output };
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child?.kill(sig);
  }

  async kill9(): Promise<void> {
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await this.exit;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), 5000);
    await this.exit;
    clearTimeout(timer);
  }

  client(): RespClient {
    return new RespClient(this.spec.resp);
  }

  async admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`http://127.0.0.1:${this.spec.admin}${path}`, init);
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
}

export class Cluster {
  readonly nodes: NodeProcess[] = [];
  readonly root = mkdtempSync(join(tmpdir(), 'memlayer-cluster-'));
  private clients: RespClient[] = [];

  constructor(private readonly env: Readonly<Record<string, string>> = TEST_ENV) {}

  peersFlag(specs: readonly NodeSpec[]): string {
    return specs.map((s) => `${s.id}=127.0.0.1:${s.peer}`).join(',');
  }

  async spec(id: number): Promise<NodeSpec> {
    return {
      id,
      resp: await freePort(),
      admin: await freePort(),
      peer: await freePort(),
      dataDir: join(this.root, `node${id}`),
    };
  }

  /** A node process with the given members (`--join` when it is not one of them). */
  node(spec: NodeSpec, members: readonly NodeSpec[], extra: readonly string[] = []): NodeProcess {
    const join = !members.some((m) => m.id === spec.id);
    const n = new NodeProcess(
      spec,
      () => [
        'server',
        '--durability',
        'fsync',
        '--id',
        String(spec.id),
        '--peers',
        this.peersFlag(join ? [...members, spec] : members),
        ...(join ? ['--join'] : []),
        '--port',
        String(spec.resp),
        '--admin-port',
        String(spec.admin),
        '--peer-port',
        String(spec.peer),
        '--data-dir',
        spec.dataDir,
        '--log-level',
        'info',
        ...extra,
      ],
      this.env,
    );
    this.nodes.push(n);
    return n;
  }

  async startNew(count: number, extra: readonly string[] = []): Promise<NodeProcess[]> {
    const specs: NodeSpec[] = [];
    for (let i = 1; i <= count; i++) specs.push(await this.spec(i));
    const nodes = specs.map((s) => this.node(s, specs, extra));
    await Promise.all(nodes.map((n) => n.start()));
    return nodes;
  }

  client(n: NodeProcess): RespClient {
    const c = n.client();
    this.clients.push(c);
    return c;
  }

  /** The node that says it leads (and that a majority agrees with), polling the admin API. */
  async leader(
    among: readonly NodeProcess[] = this.nodes,
    timeoutMs = 15_000,
  ): Promise<NodeProcess> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(
        among
          .filter((n) => n.alive)
          .map(async (n) => {
            try {
              return { n, v: (await n.admin('GET', '/v1/cluster')).json };
            } catch {
              return undefined;
            }
          }),
      );
      const leaders = views.filter((x) => x?.v['role'] === 'leader');
      const agreed = leaders.find(
        (l) => views.filter((x) => x?.v['leader'] === l?.v['id']).length * 2 > among.length,
      );
      if (agreed !== undefined) return agreed.n;
      if (Date.now() > end)
        throw new Error(`no leader among ${among.map((n) => n.spec.id).join(',')}`);
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns a value that is not undefined/false. */
export async function eventually<T>(
  f: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`,
      );
    await sleep(50);
  }
}
