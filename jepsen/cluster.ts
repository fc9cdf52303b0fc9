/**
 * Starts a real memlayer cluster for the harness: N server processes, each with its own data
 * directory, joined by a FaultNetwork (jepsen/network.ts): on loopback with a FaultProxy for
 * every directed peer link i -> j (the default), or each node in its own network namespace
 * (`network: 'netns'`, jepsen/netns.ts). Partitions cut links; kill and pause act on processes.
 *
 * Node i is started with `--routes` naming every other node j at the address i must dial (the
 * port of proxy(i, j)): a route is node-local and wins over the address the replicated
 * membership holds, so every link keeps going through its own proxy after snapshots and
 * membership changes.
 *
 * Membership nemeses replace nodes: `spares` extra slots (ids N+1, N+2, ...) have data
 * directories, ports and proxies from the start but no process; a replacement joins under a
 * fresh id (never reusing a removed one, as etcd requires), and `members` is the harness' view
 * of who is in the cluster now. Servers run with MEMLAYER_TEST_HOOKS=1 (clock skew, crash
 * before sync: src/admin/test-hooks.ts).
 *
 * With `disk: 'lazyfs'` every data directory is on its own FUSE disk that keeps file data in
 * memory until fsynced (jepsen/lazyfs.ts), so `loseUnsynced` can do to a killed node what a
 * power loss would.
 *
 * With `nodes: 1` the node runs alone (no peers, no proxies): useful to exercise the harness
 * itself, or a single durable node under kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LazyDisk, type Unsynced } from './lazyfs.js';
import { NamespaceNetwork } from './netns.js';
import { ProxyNetwork, type FaultNetwork, type NetworkKind } from './network.js';
import { freePort } from '../src/cli/ports.js';
import { SERVER_NODE_FLAGS } from '../src/config/runtime.js';

export { freePort };

export interface NodeSpec {
  readonly id: number;
  /** Where the node binds and the harness reaches it. */
  readonly host: string;
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
  /** 'fsync' (Raft, the default) or 'memory' (a lone in-memory node, harness shake-out only). */
  readonly durability?: 'fsync' | 'memory';
  readonly extraArgs?: readonly string[];
  /** Slots for replacement nodes (membership nemeses); 0 by default. */
  readonly spares?: number;
  /** Extra environment for the servers (Raft tuning knobs: src/replication/runtime.ts). */
  readonly env?: Readonly<Record<string, string>>;
  /** How nodes are joined and cut apart: 'proxy' (default) or 'netns' (root). */
  readonly network?: NetworkKind;
  /** 'plain' directories (default), or 'lazyfs' disks that can lose unsynced data (root). */
  readonly disk?: DiskKind;
}

export type DiskKind = 'plain' | 'lazyfs';

/** What GET /v1/cluster tells about one node's view (src/replication/host.ts `describe`). */
export interface ClusterView {
  readonly id: number;
  readonly role: string;
  readonly leader: number;
  readonly term: number;
  readonly commit: number;
  readonly applied: number;
}

export class Cluster {
  /** Every slot: members, spares, and removed nodes. */
  readonly specs: NodeSpec[] = [];
  /** Who the harness believes is a member now, in the order they joined. */
  members: number[] = [];
  /** Slots not used yet (a removed node's id is never used again). */
  private readonly spareIds: number[] = [];
  /** Processes expected to die by themselves (an armed crash hook). */
  private readonly expectedExits = new Set<number>();
  readonly processes = new Map<number, ChildProcess>();
  readonly paused = new Set<number>();
  private network: FaultNetwork | undefined;
  private readonly disks = new Map<number, LazyDisk>();
  /** Processes that ended without the harness killing them: a crash is a finding. */
  readonly crashes: { id: number; code: number | null; signal: string | null }[] = [];
  private readonly killing = new Set<ChildProcess>();
  /** If the harness itself dies, its servers must not outlive it. */
  private readonly killOnExit = (): void => {
    for (const child of this.processes.values()) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    this.network?.closeOnExit();
    for (const disk of this.disks.values()) disk.killOnExit();
  };

  constructor(private readonly options: ClusterOptions) {}

  get durability(): 'fsync' | 'memory' {
    return this.options.durability ?? 'fsync';
  }

  async start(): Promise<void> {
    if (this.durability === 'memory' && this.options.nodes !== 1)
      throw new Error('durability memory runs a single node only');
    process.on('exit', this.killOnExit);
    rmSync(this.options.baseDir, { recursive: true, force: true });
    mkdirSync(this.options.logDir, { recursive: true });
    const slots = this.options.nodes + (this.options.nodes > 1 ? (this.options.spares ?? 0) : 0);
    const ports: { id: number; respPort: number; adminPort: number; peerPort: number }[] = [];
    for (let id = 1; id <= slots; id++) {
      ports.push({
        id,
        respPort: await freePort(),
        adminPort: this.durability === 'fsync' ? await freePort() : -1,
        peerPort: this.options.nodes > 1 ? await freePort() : -1,
      });
    }
    const network =
      this.options.network === 'netns'
        ? NamespaceNetwork.open(ports)
        : await ProxyNetwork.open(this.options.nodes > 1 ? ports : []);
    this.network = network;
    for (const p of ports) {
      const dataDir = await this.dataDirFor(p.id);
      mkdirSync(dataDir, { recursive: true });
      this.specs.push({ ...p, host: network.hostOf(p.id), dataDir });
      if (p.id <= this.options.nodes) this.members.push(p.id);
      else this.spareIds.push(p.id);
    }
    for (const id of this.members) this.launch(this.spec(id));
  }

  /** On a lazy disk, a directory inside the mount: a retired node's is removed, not the mount. */
  private async dataDirFor(id: number): Promise<string> {
    const dir = join(this.options.baseDir, `n${id}`);
    if (this.options.disk !== 'lazyfs') return dir;
    const log = openSync(join(this.options.logDir, `lazyfs-n${id}.log`), 'a');
    try {
      const disk = await LazyDisk.mount(join(this.options.baseDir, `n${id}-backing`), dir, log);
      this.disks.set(id, disk);
    } finally {
      closeSync(log);
    }
    return join(dir, 'data');
  }

  get disk(): DiskKind {
    return this.options.disk ?? 'plain';
  }

  /**
   * Drops what node `id`'s disk holds unsynced, or tears it (LazyDisk.lose); undefined on
   * plain disks. Kill the node first: a running process would go on from data its disk no
   * longer has.
   */
  loseUnsynced(id: number, how: { readonly tearSeed?: number } = {}): Unsynced | undefined {
    if (this.running(id)) throw new Error(`node ${id} still runs`);
    return this.disks.get(id)?.lose(how);
  }

  private get net(): FaultNetwork {
    if (this.network === undefined) throw new Error('cluster not started');
    return this.network;
  }

  /** `ID=HOST:PORT,...` for `ids`, as node `from` dials them (itself at its real address). */
  addressList(from: number, ids: readonly number[]): string {
    return ids.map((id) => `${id}=${this.net.peerAddress(from, id)}`).join(',');
  }

  private argsFor(spec: NodeSpec): string[] {
    const args = [
      this.options.bin,
      'server',
      '--durability',
      this.durability,
      '--bind',
      spec.host,
      '--port',
      String(spec.respPort),
      '--data-dir',
      spec.dataDir,
      '--log-level',
      'info',
      // A memory node would serve the admin API on 7380 by default: not a port the harness owns.
      '--admin-port',
      spec.adminPort < 0 ? 'none' : String(spec.adminPort),
    ];
    if (this.durability === 'fsync') {
      args.push('--id', String(spec.id));
      args.push('--peer-port', String(spec.peerPort));
      if (this.options.nodes > 1) {
        const others = this.specs.map((s) => s.id).filter((id) => id !== spec.id);
        args.push('--routes', this.addressList(spec.id, others));
        // The first members bootstrap the cluster; a replacement joins it.
        if (spec.id <= this.options.nodes)
          args.push('--peers', this.addressList(spec.id, this.initialIds()));
        else args.push('--join', '--peers', this.addressList(spec.id, this.members));
      }
    }
    return [...args, ...(this.options.extraArgs ?? [])];
  }

  launch(spec: NodeSpec): void {
    // Logs append across restarts, so a node's whole life is in one file.
    const log = openSync(join(this.options.logDir, `n${spec.id}.log`), 'a');
    const { file, args } = this.net.command(spec.id, process.execPath, [
      ...SERVER_NODE_FLAGS,
      ...this.argsFor(spec),
    ]);
    const child = spawn(file, args, {
      stdio: ['ignore', log, log],
      env: { ...process.env, MEMLAYER_TEST_HOOKS: '1', ...this.options.env },
    });
    closeSync(log);
    child.on('exit', (code, signal) => {
      const expected = this.killing.delete(child) || this.expectedExits.delete(spec.id);
      if (!expected) this.crashes.push({ id: spec.id, code, signal });
      if (this.processes.get(spec.id) === child) this.processes.delete(spec.id);
    });
    this.processes.set(spec.id, child);
  }

  spec(id: number): NodeSpec {
    const spec = this.specs.find((s) => s.id === id);
    if (spec === undefined) throw new Error(`no node ${id}`);
    return spec;
  }

  /** The current members (what nemeses act on). */
  get ids(): number[] {
    return [...this.members];
  }

  private initialIds(): number[] {
    return this.specs.map((s) => s.id).filter((id) => id <= this.options.nodes);
  }

  /** The crash hook will end this process: its exit is not a finding. */
  expectExit(id: number): void {
    this.expectedExits.add(id);
  }

  /** Whether `id` still runs (not killed, not crashed). */
  running(id: number): boolean {
    const child = this.processes.get(id);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** The next unused slot for a replacement, if any is left. */
  takeSpare(): number | undefined {
    return this.spareIds.shift();
  }

  /** Gives back a slot `takeSpare` handed out but that was not used. */
  returnSpare(id: number): void {
    this.spareIds.unshift(id);
  }

  /** Forgets a removed member: killed, its disk wiped, its id never used again. */
  async retire(id: number): Promise<void> {
    this.members = this.members.filter((m) => m !== id);
    await this.kill(id);
    rmSync(this.spec(id).dataDir, { recursive: true, force: true });
  }

  /** Starts a spare slot as an empty node that waits to be added (`--join`). */
  startJoiner(id: number): void {
    this.launch(this.spec(id));
  }

  admit(id: number): void {
    if (!this.members.includes(id)) this.members.push(id);
  }

  /** kill -9; resolves once the process is gone (its ports are free again). */
  async kill(id: number): Promise<void> {
    const child = this.processes.get(id);
    this.paused.delete(id);
    this.processes.delete(id);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    this.killing.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  restart(id: number): void {
    if (!this.processes.has(id)) this.launch(this.spec(id));
  }

  pause(id: number): void {
    const child = this.processes.get(id);
    if (child === undefined) return;
    child.kill('SIGSTOP');
    this.paused.add(id);
  }

  resume(id: number): void {
    this.processes.get(id)?.kill('SIGCONT');
    this.paused.delete(id);
  }

  /** Cuts every link between the two sides (both directions). */
  partition(sideA: readonly number[], sideB: readonly number[]): void {
    for (const a of sideA) for (const b of sideB) this.cutLink(a, b);
  }

  /** Cuts the link between a and b in both directions. */
  cutLink(a: number, b: number): void {
    this.net.cut(a, b);
  }

  /** Stops what `from` sends to `to`; `to` still reaches `from`. */
  cutOneWay(from: number, to: number): void {
    this.net.cutOneWay(from, to);
  }

  /** Cuts in force, "a-b" (a < b) both ways or "a->b" one way (for the report). */
  cutLinks(): string[] {
    return this.net.cutLinks();
  }

  healNetwork(): void {
    this.net.heal();
  }

  /** Heals every fault: network, pauses, dead processes. */
  healAll(): void {
    this.healNetwork();
    for (const id of [...this.paused]) this.resume(id);
    for (const id of this.members) this.restart(id);
  }

  async stop(): Promise<void> {
    for (const id of [...this.paused]) this.resume(id);
    await Promise.all([...this.processes.keys()].map((id) => this.kill(id)));
    await this.network?.close();
    await Promise.all([...this.disks.values()].map((disk) => disk.unmount()));
    this.disks.clear();
    process.off('exit', this.killOnExit);
  }

  /** GET /v1/cluster on one node; undefined if it does not answer. */
  async view(id: number, timeoutMs = 500): Promise<ClusterView | undefined> {
    const spec = this.spec(id);
    if (spec.adminPort < 0 || !this.processes.has(id) || this.paused.has(id)) return undefined;
    try {
      const response = await fetch(`http://${spec.host}:${spec.adminPort}/v1/cluster`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return undefined;
      const body = (await response.json()) as Partial<ClusterView>;
      if (typeof body.leader !== 'number' || typeof body.term !== 'number') return undefined;
      return {
        id,
        role: String(body.role),
        leader: body.leader,
        term: body.term,
        commit: Number(body.commit),
        applied: Number(body.applied),
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Who leads now (0 if unknown): the leader named in the highest term any reachable node
   * knows. An isolated old leader still believes it leads, in an older term.
   */
  async leader(): Promise<number> {
    if (this.options.nodes === 1) return this.processes.has(1) ? 1 : 0;
    const views = await Promise.all(this.ids.map((id) => this.view(id)));
    let best: ClusterView | undefined;
    for (const v of views)
      if (v !== undefined && v.leader > 0 && (best === undefined || v.term > best.term)) best = v;
    return best?.leader ?? 0;
  }
}
