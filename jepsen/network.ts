/**
 * How the harness' nodes reach each other, and how it cuts them apart. Two kinds:
 *
 * - `proxy` (the default; no privileges): every node on loopback, and a FaultProxy on every
 *   directed peer link. A cut destroys the link's connections and black-holes new ones.
 * - `netns` (root; Linux): every node in its own network namespace behind one router
 *   namespace (jepsen/netns.ts). A cut drops the link's packets silently in the router, so
 *   open connections stay open and stall, as in a real network partition.
 */
import { FaultProxy } from './proxy.js';

export type NetworkKind = 'proxy' | 'netns';
export const NETWORK_KINDS: readonly NetworkKind[] = ['proxy', 'netns'];

/** The ports a slot listens on (the harness picks them before any node starts). */
export interface SlotPorts {
  readonly id: number;
  readonly peerPort: number;
}

export interface FaultNetwork {
  readonly kind: NetworkKind;
  /** Where the harness (and its clients) reach node `id`, and where that node binds. */
  hostOf(id: number): string;
  /** The `host:port` node `from` dials to reach node `to`'s peer port. */
  peerAddress(from: number, to: number): string;
  /** The command that runs program `file` with `args` as node `id` (where node `id` lives). */
  command(id: number, file: string, args: readonly string[]): { file: string; args: string[] };
  /** Cuts the link between a and b, both directions. */
  cut(a: number, b: number): void;
  /** Stops what `from` sends to `to`, and only that: `to` still reaches `from`. */
  cutOneWay(from: number, to: number): void;
  /** Cuts in force: "a-b" (a < b) both ways, "a->b" for what a sends to b only. */
  cutLinks(): string[];
  heal(): void;
  /** Undoes everything the network set up; safe to call twice. */
  close(): Promise<void>;
  /** What must not outlive the harness if it exits abruptly (synchronous: an 'exit' handler). */
  closeOnExit(): void;
}

/**
 * Names for directed cuts, given as "from>to" keys: "a-b" (a < b) where both ways are cut,
 * else "a->b".
 */
export function linkNames(cut: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  for (const key of cut) {
    const [from = 0, to = 0] = key.split('>').map(Number);
    if (!cut.has(`${to}>${from}`)) names.add(`${from}->${to}`);
    else names.add(from < to ? `${from}-${to}` : `${to}-${from}`);
  }
  return [...names].sort();
}

/** Loopback with a FaultProxy per directed link: node i reaches j only through proxy(i, j). */
export class ProxyNetwork implements FaultNetwork {
  readonly kind = 'proxy';
  /** proxies.get(`${from}->${to}`) */
  private readonly proxies = new Map<string, FaultProxy>();

  private constructor(private readonly slots: readonly SlotPorts[]) {}

  static async open(slots: readonly SlotPorts[]): Promise<ProxyNetwork> {
    const network = new ProxyNetwork(slots);
    if (slots.length < 2) return network;
    for (const from of slots) {
      for (const to of slots) {
        if (from.id === to.id) continue;
        const proxy = new FaultProxy('127.0.0.1', to.peerPort);
        await proxy.listen();
        network.proxies.set(`${from.id}->${to.id}`, proxy);
      }
    }
    return network;
  }

  hostOf(): string {
    return '127.0.0.1';
  }

  peerAddress(from: number, to: number): string {
    const port =
      from === to
        ? (this.slots.find((s) => s.id === to)?.peerPort ?? 0)
        : (this.proxies.get(`${from}->${to}`)?.port ?? 0);
    return `127.0.0.1:${port}`;
  }

  command(_id: number, file: string, args: readonly string[]): { file: string; args: string[] } {
    return { file, args: [...args] };
  }

  cut(a: number, b: number): void {
    this.cutOneWay(a, b);
    this.cutOneWay(b, a);
  }

  /** What `from` sends to `to` goes down the stream `to` dialled: through proxy(to, from). */
  cutOneWay(from: number, to: number): void {
    this.proxies.get(`${to}->${from}`)?.cut();
  }

  cutLinks(): string[] {
    const cut = new Set<string>();
    for (const [name, proxy] of this.proxies) {
      const [dialler = 0, dialled = 0] = name.split('->').map(Number);
      if (proxy.isCut) cut.add(`${dialled}>${dialler}`);
    }
    return linkNames(cut);
  }

  heal(): void {
    for (const proxy of this.proxies.values()) proxy.heal();
  }

  async close(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.close();
    this.proxies.clear();
  }

  /** Nothing: the proxies' sockets end with the process. */
  closeOnExit(): void {}
}
