/**
 * List-append checker in the style of Elle (Kingsbury & Alvaro, VLDB 2020). Transactions
 * (MULTI/EXEC) append unique values to lists (RPUSH) and read whole lists (LRANGE 0 -1).
 * Because every appended value is unique and lists only grow, each read reveals a prefix of
 * the key's version order, which lets us infer dependencies between transactions:
 *   ww  T1 appended the element just before T2's element on the same key
 *   wr  T2 read a list whose last element T1 appended
 *   rw  T1 read a list that ends just before the element T2 appended (anti-dependency)
 *   rt  T1 completed before T2 began (real time; strict serializability)
 * A cycle is an anomaly, classified as Adya does: only ww → G0; ww/wr → G1c; exactly one rw →
 * G-single; more rw → G2; a cycle that needs a real-time edge carries the suffix `-realtime`.
 * Non-cyclic anomalies: G1a (aborted read), G1b (intermediate read), incompatible orders
 * (two reads that are not prefixes of one another), duplicated elements.
 */
import type { Operation } from '../history.js';

export type MicroOp =
  readonly ['append', string, string] | readonly ['r', string, readonly string[] | null];

export type EdgeType = 'ww' | 'wr' | 'rw' | 'rt';

export interface Anomaly {
  readonly type: string;
  /** Operation ids involved, in cycle order for cycles. */
  readonly ops: readonly number[];
  readonly detail: string;
}

export interface ListAppendResult {
  readonly valid: boolean;
  readonly transactions: number;
  readonly anomalies: readonly Anomaly[];
  readonly anomalyTypes: readonly string[];
}

type Txn = Operation & { readonly micro: readonly MicroOp[] };

const REALTIME_LIMIT = 6000;

/** Input of each op: MicroOp[] as invoked; output of `ok` ops: MicroOp[] with reads filled in. */
export function checkListAppend(operations: readonly Operation[]): ListAppendResult {
  const txns: Txn[] = operations
    .filter((op) => op.f === 'txn')
    .map((op) => ({
      ...op,
      micro: ((op.status === 'ok' ? op.output : op.input) ?? []) as MicroOp[],
    }));
  const anomalies: Anomaly[] = [];
  const writer = indexWriters(txns, anomalies);
  const orders = versionOrders(txns, anomalies);
  checkAbortedAndIntermediate(txns, writer, anomalies);
  const committed = txns.filter((t) => t.status === 'ok' || observed(t, txns, writer));
  const graph = buildGraph(committed, writer, orders);
  anomalies.push(...findCycles(graph, committed));
  const types = [...new Set(anomalies.map((a) => a.type))].sort();
  return {
    valid: anomalies.length === 0,
    transactions: txns.length,
    anomalies,
    anomalyTypes: types,
  };
}

function indexWriters(txns: readonly Txn[], anomalies: Anomaly[]): Map<string, Txn> {
  const writer = new Map<string, Txn>();
  for (const t of txns) {
    for (const m of t.micro) {
      if (m[0] !== 'append') continue;
      const id = `${m[1]}\u0000${m[2]}`;
      const prior = writer.get(id);
      if (prior)
        anomalies.push({
          type: 'duplicate-append',
          ops: [prior.id, t.id],
          detail: `value ${m[2]} appended twice to ${m[1]}`,
        });
      writer.set(id, t);
    }
  }
  return writer;
}

/** The longest read of each key; every other read must be its prefix. */
function versionOrders(txns: readonly Txn[], anomalies: Anomaly[]): Map<string, readonly string[]> {
  const orders = new Map<string, readonly string[]>();
  for (const { key, list, txn } of reads(txns)) {
    if (new Set(list).size !== list.length) {
      anomalies.push({
        type: 'duplicate-elements',
        ops: [txn.id],
        detail: `read of ${key} holds a value twice`,
      });
    }
    const known = orders.get(key) ?? [];
    const [short, long] = list.length <= known.length ? [list, known] : [known, list];
    if (!short.every((v, i) => long[i] === v)) {
      anomalies.push({
        type: 'incompatible-order',
        ops: [txn.id],
        detail: `reads of ${key} disagree on order`,
      });
    }
    if (list.length > known.length) orders.set(key, list);
  }
  return orders;
}

function* reads(
  txns: readonly Txn[],
): Generator<{ key: string; list: readonly string[]; txn: Txn }> {
  for (const txn of txns) {
    if (txn.status !== 'ok') continue;
    for (const m of txn.micro) if (m[0] === 'r') yield { key: m[1], list: m[2] ?? [], txn };
  }
}

function checkAbortedAndIntermediate(
  txns: readonly Txn[],
  writer: Map<string, Txn>,
  anomalies: Anomaly[],
): void {
  for (const { key, list, txn } of reads(txns)) {
    for (const value of list) {
      const w = writer.get(`${key}\u0000${value}`);
      if (w?.status === 'fail')
        anomalies.push({
          type: 'G1a',
          ops: [w.id, txn.id],
          detail: `read ${value} of ${key} from a failed transaction`,
        });
    }
    const last = list[list.length - 1];
    if (last === undefined) continue;
    const w = writer.get(`${key}\u0000${last}`);
    if (w === undefined || w === txn) continue;
    const appends = w.micro.filter((m) => m[0] === 'append' && m[1] === key).map((m) => m[2]);
    if (appends.indexOf(last) !== appends.length - 1) {
      anomalies.push({
        type: 'G1b',
        ops: [w.id, txn.id],
        detail: `read an intermediate state of ${key}`,
      });
    }
  }
}

/** An unknown-outcome transaction counts as committed if anyone read one of its appends. */
function observed(t: Txn, txns: readonly Txn[], writer: Map<string, Txn>): boolean {
  if (t.status !== 'info') return false;
  for (const { key, list } of reads(txns))
    for (const v of list) if (writer.get(`${key}\u0000${v}`) === t) return true;
  return false;
}

type Graph = Map<Txn, Map<Txn, Set<EdgeType>>>;

function addEdge(graph: Graph, from: Txn | undefined, to: Txn | undefined, type: EdgeType): void {
  if (from === undefined || to === undefined || from === to) return;
  let out = graph.get(from);
  if (out === undefined) graph.set(from, (out = new Map()));
  let types = out.get(to);
  if (types === undefined) out.set(to, (types = new Set()));
  types.add(type);
}

function buildGraph(
  committed: readonly Txn[],
  writer: Map<string, Txn>,
  orders: Map<string, readonly string[]>,
): Graph {
  const graph: Graph = new Map();
  const inGraph = new Set(committed);
  const w = (key: string, value: string | undefined): Txn | undefined => {
    if (value === undefined) return undefined;
    const t = writer.get(`${key}\u0000${value}`);
    return t && inGraph.has(t) ? t : undefined;
  };
  for (const [key, order] of orders) {
    for (let i = 1; i < order.length; i++)
      addEdge(graph, w(key, order[i - 1]), w(key, order[i]), 'ww');
  }
  for (const { key, list, txn } of reads(committed)) {
    addEdge(graph, w(key, list[list.length - 1]), txn, 'wr');
    const order = orders.get(key) ?? [];
    addEdge(graph, txn, w(key, order[list.length]), 'rw');
  }
  if (committed.length <= REALTIME_LIMIT) {
    const byReturn = [...committed].sort((a, b) => a.returnNs - b.returnNs);
    for (const later of committed) {
      // Edges from the latest-completing predecessors only: earlier ones are implied through them.
      let frontier = -Infinity;
      for (let i = byReturn.length - 1; i >= 0; i--) {
        const earlier = byReturn[i];
        if (earlier === undefined || earlier.returnNs >= later.callNs) continue;
        if (earlier.returnNs < frontier) break;
        addEdge(graph, earlier, later, 'rt');
        frontier = Math.max(frontier, earlier.callNs);
      }
    }
  }
  return graph;
}

const SEARCH_ORDER: readonly (readonly EdgeType[])[] = [
  ['ww'],
  ['ww', 'wr'],
  ['ww', 'wr', 'rw'],
  ['ww', 'wr', 'rw', 'rt'],
];

function findCycles(graph: Graph, nodes: readonly Txn[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const component of stronglyConnected(graph, nodes)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    for (const allowed of SEARCH_ORDER) {
      const cycle = shortestCycle(graph, members, new Set(allowed));
      if (cycle) {
        anomalies.push(classify(graph, cycle));
        break;
      }
    }
  }
  return anomalies;
}

function classify(graph: Graph, cycle: readonly Txn[]): Anomaly {
  const edges: EdgeType[] = [];
  for (let i = 0; i < cycle.length; i++) {
    const from = cycle[i] as Txn;
    const to = cycle[(i + 1) % cycle.length] as Txn;
    const types = graph.get(from)?.get(to) ?? new Set<EdgeType>();
    edges.push((['ww', 'wr', 'rw', 'rt'] as const).find((t) => types.has(t)) ?? 'rt');
  }
  const rw = edges.filter((e) => e === 'rw').length;
  const base =
    rw === 0
      ? edges.every((e) => e === 'ww' || e === 'rt')
        ? 'G0'
        : 'G1c'
      : rw === 1
        ? 'G-single'
        : 'G2';
  const type = edges.includes('rt') ? `${base}-realtime` : base;
  return { type, ops: cycle.map((t) => t.id), detail: `cycle ${edges.join(' → ')}` };
}

/** BFS from each member for the shortest cycle using only `allowed` edge types. */
function shortestCycle(graph: Graph, members: Set<Txn>, allowed: Set<EdgeType>): Txn[] | undefined {
  let best: Txn[] | undefined;
  for (const start of members) {
    const parent = new Map<Txn, Txn>();
    const queue: Txn[] = [start];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as Txn;
      for (const [next, types] of graph.get(node) ?? []) {
        if (!members.has(next) || ![...types].some((t) => allowed.has(t))) continue;
        if (next === start) {
          const path = [node];
          for (
            let p = parent.get(node);
            p !== undefined && path[path.length - 1] !== start;
            p = parent.get(p)
          )
            path.push(p);
          const cycle = path.reverse();
          if (best === undefined || cycle.length < best.length) best = cycle;
          head = queue.length;
          break;
        }
        if (!parent.has(next) && next !== start) {
          parent.set(next, node);
          queue.push(next);
        }
      }
    }
    if (best !== undefined && best.length === 2) break;
  }
  return best;
}

/** Tarjan's algorithm, iterative (histories can be long enough to overflow the stack). */
function stronglyConnected(graph: Graph, nodes: readonly Txn[]): Txn[][] {
  const index = new Map<Txn, number>();
  const low = new Map<Txn, number>();
  const onStack = new Set<Txn>();
  const stack: Txn[] = [];
  const result: Txn[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: Txn; edges: Iterator<Txn> }[] = [];
    const visit = (node: Txn): void => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: (graph.get(node) ?? new Map<Txn, Set<EdgeType>>()).keys() });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: Txn; edges: Iterator<Txn> };
      const step = frame.edges.next();
      if (!step.done) {
        const next = step.value;
        if (!index.has(next)) visit(next);
        else if (onStack.has(next))
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(next) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: Txn[] = [];
        let member: Txn | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        result.push(component);
      }
    }
  }
  return result;
}
