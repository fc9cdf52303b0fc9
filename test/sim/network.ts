/**
 * The simulated network between replicas: per-link blocking (partitions, one-way cuts) plus the
 * probabilistic faults applied to each message (drop, duplicate, delay; reordering follows from
 * independent random delays). Clients are not on this network: like Jepsen's clients, they
 * reach every node directly, so an isolated leader still hears from clients.
 */
import type { NodeId } from '../../src/raft/types.js';
import type { Rng } from '../../src/shared/effects.js';

export interface LinkFaults {
  /** Probability that a message is lost. */
  readonly dropRate: number;
  /** Probability that a message is delivered twice. */
  readonly duplicateRate: number;
  readonly delayMsMin: number;
  readonly delayMsMax: number;
  /** Probability that a message takes a long detour (up to `slowDelayMsMax`): reordering. */
  readonly slowRate: number;
  readonly slowDelayMsMax: number;
}

export const CALM_LINKS: LinkFaults = {
  dropRate: 0,
  duplicateRate: 0,
  delayMsMin: 1,
  delayMsMax: 5,
  slowRate: 0,
  slowDelayMsMax: 5,
};

export type PartitionKind = 'isolateOne' | 'isolateLeader' | 'majorityMinority' | 'ring' | 'oneWay';

export class SimNetwork {
  /** Blocked directed links, keyed `from * LINK_KEY + to`. */
  private readonly blocked = new Set<number>();
  private description = 'healed';
  faults: LinkFaults = CALM_LINKS;

  constructor(private readonly rng: Rng) {}

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }

  get partitionDescription(): string {
    return this.description;
  }

  canDeliver(from: NodeId, to: NodeId): boolean {
    return !this.blocked.has(from * LINK_KEY + to);
  }

  heal(): void {
    this.blocked.clear();
    this.description = 'healed';
  }

  /** Cuts every link between different groups (both directions). */
  split(groups: readonly (readonly NodeId[])[], description: string): void {
    this.heal();
    for (const [gi, group] of groups.entries()) {
      for (const [gj, other] of groups.entries()) {
        if (gi === gj) continue;
        for (const a of group) for (const b of other) this.blocked.add(a * LINK_KEY + b);
      }
    }
    this.description = description;
  }

  /**
   * Jepsen's majorities-ring: nodes in a ring, each sees the neighbours within a distance
   * that gives it a majority, so every node sees a majority but no two see the same one.
   */
  ring(nodes: readonly NodeId[]): void {
    this.heal();
    const n = nodes.length;
    const reach = Math.ceil((Math.floor(n / 2) + 1 - 1) / 2);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const distance = Math.min(Math.abs(i - j), n - Math.abs(i - j));
        const a = nodes[i];
        const b = nodes[j];
        if (a !== undefined && b !== undefined && distance > reach) {
          this.blocked.add(a * LINK_KEY + b);
        }
      }
    }
    this.description = `ring[${nodes.join(',')}]`;
  }

  oneWay(from: NodeId, to: NodeId): void {
    this.heal();
    this.blocked.add(from * LINK_KEY + to);
    this.description = `oneWay ${from}->${to}`;
  }

  /** Delivery delays for one message: empty when it is lost, two entries when duplicated. */
  delays(): number[] {
    const f = this.faults;
    if (f.dropRate > 0 && this.rng.float() < f.dropRate) return [];
    const out = [this.oneDelay()];
    if (f.duplicateRate > 0 && this.rng.float() < f.duplicateRate) out.push(this.oneDelay());
    return out;
  }

  private oneDelay(): number {
    const f = this.faults;
    if (f.slowRate > 0 && this.rng.float() < f.slowRate) {
      return f.delayMsMin + this.rng.int(Math.max(1, f.slowDelayMsMax - f.delayMsMin));
    }
    return f.delayMsMin + this.rng.int(Math.max(1, f.delayMsMax - f.delayMsMin + 1));
  }
}

const LINK_KEY = 1 << 16;
