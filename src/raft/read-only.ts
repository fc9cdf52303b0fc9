/**
 * Pending ReadIndex requests on the leader (thesis §6.4, etcd's readOnly): each waits until a
 * quorum acknowledged a heartbeat carrying its context, which proves the leader was still the
 * leader when the read arrived. Requests are released in arrival order.
 */
import type { NodeId } from '../shared/brand.js';

export interface ReadRequest {
  /** The commit index when the request arrived: the read point. */
  readonly index: number;
  /** Who asked: this node (local read) or a follower that forwarded it. */
  readonly from: NodeId;
  readonly context: Uint8Array;
}

interface Pending {
  readonly request: ReadRequest;
  readonly acks: Set<NodeId>;
}

export function contextKey(context: Uint8Array): string {
  return Buffer.from(context.buffer, context.byteOffset, context.byteLength).toString('latin1');
}

export class ReadOnly {
  private readonly pending = new Map<string, Pending>();
  private queue: string[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Adds a request; a duplicate context is ignored (the first one wins, as in etcd). */
  add(request: ReadRequest): boolean {
    const key = contextKey(request.context);
    if (this.pending.has(key)) return false;
    this.pending.set(key, { request, acks: new Set() });
    this.queue.push(key);
    return true;
  }

  /** Records that `from` acknowledged `context`; returns the number of acks, or 0 if unknown. */
  ack(from: NodeId, context: Uint8Array): Set<NodeId> | undefined {
    const entry = this.pending.get(contextKey(context));
    if (entry === undefined) return undefined;
    entry.acks.add(from);
    return entry.acks;
  }

  /** Releases every request up to and including `context` (a later ack covers earlier reads). */
  advance(context: Uint8Array): ReadRequest[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadRequest[] = [];
    for (const k of released) {
      const entry = this.pending.get(k);
      this.pending.delete(k);
      if (entry !== undefined) out.push(entry.request);
    }
    return out;
  }

  lastContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.request.context;
  }
}
