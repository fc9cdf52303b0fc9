/**
 * Real network partitions for the harness (`--net netns`; root, Linux, iproute2): every node
 * runs in its own network namespace, and one router namespace joins them and the harness:
 *
 *     root namespace (harness, clients)      10.X.0.1/24
 *       │ veth
 *     router namespace mlj<pid>-<n>-r        10.X.0.2/24, and 10.X.i.1/24 towards node i
 *       │ one veth per node
 *     node i's namespace mlj<pid>-<n>-<i>     10.X.i.2/24, default route via 10.X.i.1
 *
 * Cutting the link a-b adds two policy rules in the router, `from 10.X.a.2 to 10.X.b.2
 * blackhole` and back. A blackhole rule drops packets silently (`unreachable` and `prohibit`
 * would answer with ICMP), so TCP on a cut link neither fails nor closes: both ends keep
 * retransmitting into the void until the link heals or a keepalive gives up. That is how a
 * partition looks to a real cluster, and what the proxies cannot show: a cut proxy closes its
 * connections, which tells both ends at once. Clients in the root namespace reach every node
 * all along.
 *
 * The second octet X is claimed with a lock file (several runs may share a machine); names
 * carry the harness' pid, and namespaces left by a harness that is gone are removed at start.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkNames, type FaultNetwork, type SlotPorts } from './network.js';

const PREFIX = 'mlj';
const LOCK_DIR = '/run/memlayer-jepsen-netns';
/** Second octets tried for 10.X.0.0/16; ten runs at once is far more than a machine holds. */
const OCTETS = Array.from({ length: 40 }, (_, i) => 200 + i);

function ip(args: readonly string[], input?: string): string {
  try {
    return execFileSync('ip', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')}: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/** Runs `lines` through one `ip -batch` (in namespace `ns`): stops at the first that fails. */
function batch(ns: string | undefined, lines: readonly string[]): void {
  if (lines.length === 0) return;
  ip([...(ns === undefined ? [] : ['-n', ns]), '-batch', '-'], `${lines.join('\n')}\n`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Why this machine cannot run `--net netns`, or undefined if it can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    ip(['netns', 'list']);
  } catch (error) {
    return `iproute2 does not work here: ${String(error)}`;
  }
  return undefined;
}

/** Deletes namespaces and lock files of harness processes that no longer exist. */
function removeStale(): void {
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (owner !== null && !alive(Number(owner[1]))) ip(['netns', 'del', name]);
  }
  mkdirSync(LOCK_DIR, { recursive: true });
  for (const file of readdirSync(LOCK_DIR)) {
    const pid = Number(readFileSync(join(LOCK_DIR, file), 'utf8'));
    if (!alive(pid)) rmSync(join(LOCK_DIR, file), { force: true });
  }
}

/** Claims a free 10.X.0.0/16 for this run (exclusive create of its lock file). */
function claimOctet(): number {
  const inUse = ip(['-4', 'route', 'show', 'table', 'all']);
  for (const x of OCTETS) {
    if (inUse.includes(`10.${x}.`)) continue;
    try {
      writeFileSync(join(LOCK_DIR, `10.${x}`), String(process.pid), { flag: 'wx' });
      return x;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free 10.X.0.0/16 for the harness' namespaces (tried 10.${OCTETS[0]}-)`);
}

export class NamespaceNetwork implements FaultNetwork {
  readonly kind = 'netns';
  /** Router rules in force (without the verb). */
  private readonly rules = new Set<string>();
  /** Directed cuts in force, "a>b": what a sends to b is dropped. */
  private readonly directed = new Set<string>();
  private closed = false;
  private readonly tag = `${PREFIX}${process.pid}`;
  private readonly router: string;

  private constructor(
    private readonly slots: readonly SlotPorts[],
    /** X in 10.X.0.0/16, this network's addresses. */
    readonly octet: number,
    /** Distinguishes two networks of one harness process (`--parallel`). */
    private readonly instance: number,
  ) {
    this.router = this.namespaceName('r');
  }

  private static instances = 0;

  static open(slots: readonly SlotPorts[]): NamespaceNetwork {
    const unavailable = netnsUnavailable();
    if (unavailable !== undefined) throw new Error(`--net netns: ${unavailable}`);
    removeStale();
    const network = new NamespaceNetwork(slots, claimOctet(), NamespaceNetwork.instances++);
    try {
      network.build();
    } catch (error) {
      network.closeOnExit();
      throw error;
    }
    return network;
  }

  private namespaceName(slot: number | 'r'): string {
    return `${this.tag}-${this.instance}-${slot}`;
  }

  /**
   * Interface names, at most 15 bytes: the pid and instance in base 36 (lower case), the kind
   * in upper case and the slot, so no two (pid, instance, kind, slot) share a name.
   */
  private link(kind: 'R' | 'A' | 'B', slot: number): string {
    return `${PREFIX}${process.pid.toString(36)}_${this.instance.toString(36)}${kind}${slot}`;
  }

  private address(slot: number, end: 1 | 2): string {
    return `10.${this.octet}.${slot}.${end}`;
  }

  private build(): void {
    const x = this.octet;
    const up = [this.link('R', 0), this.link('R', 1)] as const;
    const root = [
      `netns add ${this.router}`,
      `link add ${up[0]} type veth peer name ${up[1]}`,
      `link set ${up[1]} netns ${this.router}`,
      `addr add ${this.address(0, 1)}/24 dev ${up[0]}`,
      `link set ${up[0]} up`,
    ];
    const router = ['link set lo up', `addr add ${this.address(0, 2)}/24 dev ${up[1]}`];
    router.push(`link set ${up[1]} up`);
    for (const { id } of this.slots) {
      if (id < 1 || id > 250) throw new Error(`node id ${id} does not fit 10.${x}.<id>.0/24`);
      const [a, b] = [this.link('A', id), this.link('B', id)];
      root.push(`netns add ${this.namespaceName(id)}`);
      root.push(`link add ${a} type veth peer name ${b}`);
      root.push(
        `link set ${a} netns ${this.router}`,
        `link set ${b} netns ${this.namespaceName(id)}`,
      );
      router.push(`addr add ${this.address(id, 1)}/24 dev ${a}`, `link set ${a} up`);
    }
    batch(undefined, root);
    batch(this.router, router);
    // Forwarding is off in a new namespace; /proc/sys/net is the writer's own namespace's.
    ip(['netns', 'exec', this.router, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    for (const { id } of this.slots) {
      const b = this.link('B', id);
      batch(this.namespaceName(id), [
        'link set lo up',
        `addr add ${this.address(id, 2)}/24 dev ${b}`,
        `link set ${b} up`,
        `route add default via ${this.address(id, 1)}`,
      ]);
    }
    batch(undefined, [`route add 10.${x}.0.0/16 via ${this.address(0, 2)}`]);
  }

  hostOf(id: number): string {
    return this.address(id, 2);
  }

  peerAddress(_from: number, to: number): string {
    const port = this.slots.find((s) => s.id === to)?.peerPort ?? 0;
    return `${this.hostOf(to)}:${port}`;
  }

  command(id: number, file: string, args: readonly string[]): { file: string; args: string[] } {
    // `ip netns exec` enters the namespace and execs: the child's pid is the program's own, so
    // kill -9 and SIGSTOP reach it.
    return { file: 'ip', args: ['netns', 'exec', this.namespaceName(id), file, ...args] };
  }

  /** Adds the router rules not in force yet. */
  private addRules(rules: readonly string[]): void {
    const fresh = rules.filter((r) => !this.rules.has(r));
    batch(
      this.router,
      fresh.map((r) => `rule add ${r}`),
    );
    for (const r of fresh) this.rules.add(r);
  }

  cut(a: number, b: number): void {
    this.addRules([
      `from ${this.hostOf(a)} to ${this.hostOf(b)} blackhole`,
      `from ${this.hostOf(b)} to ${this.hostOf(a)} blackhole`,
    ]);
    this.directed.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  /**
   * What `from` sends to `to` goes down the stream `to` dialled to `from`'s peer port: that
   * connection's packets are dropped both ways (TCP needs its ACKs), the one the other way
   * is left alone.
   */
  cutOneWay(from: number, to: number): void {
    const port = this.slots.find((s) => s.id === from)?.peerPort ?? 0;
    const [f, t] = [this.hostOf(from), this.hostOf(to)];
    this.addRules([
      `from ${f} to ${t} ipproto tcp sport ${port} blackhole`,
      `from ${t} to ${f} ipproto tcp dport ${port} blackhole`,
    ]);
    this.directed.add(`${from}>${to}`);
  }

  cutLinks(): string[] {
    return linkNames(this.directed);
  }

  heal(): void {
    const rules = [...this.rules];
    this.rules.clear();
    this.directed.clear();
    batch(
      this.router,
      rules.map((r) => `rule del ${r}`),
    );
  }

  close(): Promise<void> {
    this.closeOnExit();
    return Promise.resolve();
  }

  /**
   * Deletes the namespaces (their veths go with them, and the root's route with its veth).
   * Processes still inside would keep a namespace alive: the cluster kills them first.
   */
  closeOnExit(): void {
    if (this.closed) return;
    this.closed = true;
    for (const name of [this.router, ...this.slots.map((s) => this.namespaceName(s.id))]) {
      try {
        ip(['netns', 'del', name]);
      } catch {
        // never created (a failed build) or already gone
      }
    }
    // A build that failed between creating a veth pair and moving it left the pair here.
    const links = [this.link('R', 0), ...this.slots.map((s) => this.link('A', s.id))];
    try {
      ip(['-force', '-batch', '-'], links.map((l) => `link del ${l}`).join('\n'));
    } catch {
      // the usual case: none of them is left
    }
    rmSync(join(LOCK_DIR, `10.${this.octet}`), { force: true });
  }
}
