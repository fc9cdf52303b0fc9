/**
 * Simulated clients, Jepsen style: each has at most one operation outstanding, sends it straight
 * to one node (the node it believes leads, or a random one), and gives up after a timeout (the
 * outcome is then unknown, never "failed"). Writes are `set k v` with a value unique to the
 * operation; a write is acknowledged when the node it was proposed through applies it. Reads
 * use ReadIndex on whatever node received them (followers forward to the leader).
 */
import { RaftError, type Entry, type NodeId } from '../../src/raft/types.js';
import type { ReadBounds } from './checker.js';
import type { SimNode } from './host.js';
import { decodeSet, encodeSet } from './kv.js';
import type { Simulation } from './sim.js';

export interface ClientOp {
  readonly id: number;
  readonly client: number;
  readonly kind: 'write' | 'read';
  readonly key: string;
  /** write: the unique value; read: the ReadIndex context. */
  readonly token: string;
  readonly node: NodeId;
  readonly bounds: ReadBounds;
  done: boolean;
  ok: boolean;
  /** write: log index once acknowledged; read: the value's write index once served. */
  index: number;
}

interface ClientState {
  leaderGuess: NodeId | undefined;
  op: ClientOp | undefined;
}

export class Clients {
  private readonly clients: ClientState[] = [];
  private readonly ops = new Map<number, ClientOp>();
  private readonly byToken = new Map<string, ClientOp>();
  private opNext = 1;
  stopped = false;

  constructor(private readonly sim: Simulation) {}

  start(): void {
    for (let c = 0; c < this.sim.params.clients; c++) {
      this.clients.push({ leaderGuess: undefined, op: undefined });
      this.sim.schedule(1 + this.sim.clientRng.int(50), { kind: 'clientNext', client: c });
    }
  }

  onNext(client: number): void {
    const state = this.clients[client];
    if (state === undefined || this.stopped || state.op !== undefined) return;
    const rng = this.sim.clientRng;
    const kind = rng.float() < this.sim.params.writeRate ? 'write' : 'read';
    const node = this.pickNode(state);
    if (node === undefined) {
      this.sim.schedule(20, { kind: 'clientNext', client });
      return;
    }
    const key = `k${rng.int(this.sim.params.keys)}`;
    state.op = this.invoke(client, kind, key, node);
    this.sim.schedule(this.sim.params.opTimeoutMs, { kind: 'clientTimeout', op: state.op.id });
  }

  /** Starts an operation now; it reaches its node 1 ms later (clients are not partitioned). */
  invoke(client: number, kind: 'write' | 'read', key: string, node: NodeId): ClientOp {
    const id = this.opNext++;
    const token = kind === 'write' ? `c${client}o${id}` : `r${id}`;
    // The bounds are taken at invocation: everything acknowledged before this moment counts.
    const bounds = this.sim.checker.readBounds(key);
    const op: ClientOp = {
      id,
      client,
      kind,
      key,
      token,
      node,
      bounds,
      done: false,
      ok: false,
      index: 0,
    };
    this.ops.set(id, op);
    this.byToken.set(token, op);
    this.sim.trace(
      `client ${client} invokes ${kind} ${key}${kind === 'write' ? `=${token}` : ''} at n${node} (op ${id})`,
    );
    this.sim.schedule(1, { kind: 'clientArrive', op: id });
    return op;
  }

  private pickNode(state: ClientState): NodeId | undefined {
    const rng = this.sim.clientRng;
    if (state.leaderGuess !== undefined && rng.float() < 0.8) return state.leaderGuess;
    const candidates = [...this.sim.nodes.values()].filter((n) => !n.removed);
    return candidates[rng.int(candidates.length)]?.id;
  }

  onArrive(opId: number): void {
    const op = this.ops.get(opId);
    if (op === undefined || op.done) return;
    const node = this.sim.nodes.get(op.node);
    if (node === undefined || !node.up || node.removed) {
      this.fail(op, undefined);
      return;
    }
    if (node.pausedUntilMs > this.sim.nowMs) {
      this.sim.queue.push(node.pausedUntilMs, { kind: 'clientArrive', op: opId });
      return;
    }
    const data = Buffer.from(op.token, 'latin1');
    const failure =
      op.kind === 'write'
        ? this.sim.tryDrive(node, 'propose', () => node.core?.propose(encodeSet(op.key, op.token)))
        : this.sim.tryDrive(node, 'readIndex', () => node.core?.readIndex(data));
    if (failure !== undefined) this.fail(op, failure);
  }

  onTimeout(opId: number): void {
    const op = this.ops.get(opId);
    if (op === undefined || op.done) return;
    // Unknown outcome: the write may still commit; the client just stops waiting.
    this.sim.trace(`client ${op.client} op ${op.id} timed out (outcome unknown)`);
    this.finish(op, false);
    const state = this.clients[op.client];
    if (state !== undefined) state.leaderGuess = undefined;
  }

  onApplied(node: SimNode, entry: Entry, key: string): void {
    const command = decodeSet(entry.data);
    if (command === undefined) return;
    const op = this.byToken.get(command.value);
    if (op === undefined || op.done || op.node !== node.id) return;
    op.index = entry.index;
    this.sim.checker.onWriteAcked(key, entry.index);
    this.sim.stats.writesAcked++;
    this.sim.trace(
      `client ${op.client} write ${key}=${op.token} acknowledged at index ${entry.index} by n${node.id}`,
    );
    this.finish(op, true);
  }

  onReadState(node: SimNode, context: string, readIndex: number): void {
    const op = this.byToken.get(context);
    if (op === undefined || op.done || op.node !== node.id) return;
    const value = node.kv.get(op.key);
    op.index = value?.index ?? 0;
    this.sim.trace(
      `client ${op.client} read ${op.key}=${value?.value ?? 'nil'} (written at ${op.index}) at n${node.id}, read index ${readIndex}, applied ${node.applied}`,
    );
    this.sim.checker.onReadServed(node.id, op.key, op.bounds, readIndex, op.index);
    this.sim.stats.readsServed++;
    this.finish(op, true);
  }

  private fail(op: ClientOp, failure: RaftError | undefined): void {
    this.sim.stats.opsFailed++;
    const node = this.sim.nodes.get(op.node);
    const state = this.clients[op.client];
    if (state !== undefined) {
      const hint = failure?.code === 'notLeader' ? node?.leader : undefined;
      state.leaderGuess = hint !== undefined && hint !== 0 ? hint : undefined;
    }
    this.finish(op, false);
  }

  private finish(op: ClientOp, ok: boolean): void {
    op.done = true;
    op.ok = ok;
    this.ops.delete(op.id);
    this.byToken.delete(op.token);
    const state = this.clients[op.client];
    if (state === undefined || state.op !== op) return;
    state.op = undefined;
    if (ok) state.leaderGuess = op.node;
    if (!this.stopped) {
      this.sim.schedule(this.sim.clientRng.int(30), { kind: 'clientNext', client: op.client });
    }
  }
}
