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
 * Non-cyclic anomalies: internal (a read that disagrees with its own transaction's earlier
 * reads and appends), G1a (aborted read), G1b (intermediate read), never-appended (a value no
 * transaction appended), incompatible orders (two reads that are not prefixes of one
 * another), duplicated elements, and lost appends (an acknowledged or already-read append
 * missing from the last read of its key).
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
  checkInternal(txns, anomalies);
  checkReadValues(txns, writer, anomalies);
  checkLostAppends(txns, anomalies);
  const seen = observedWriters(txns, writer);
  const committed = txns.filter((t) => t.status === 'ok' || (t.status === 'info' && seen.has(t)));
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

/**
 * Where each value read came from: an append by some transaction (else `never-appended`,
 * named once per key and value), not a failed one (G1a), and its final append to the key
 * when another transaction read it last (else G1b, an intermediate state).
 */
function checkReadValues(
  txns: readonly Txn[],
  writer: Map<string, Txn>,
  anomalies: Anomaly[],
): void {
  const unwritten = new Set<string>();
  for (const { key, list, txn } of reads(txns)) {
    for (const value of list) {
      const id = `${key}\u0000${value}`;
      const w = writer.get(id);
      if (w === undefined && !unwritten.has(id)) {
        unwritten.add(id);
        anomalies.push({
          type: 'never-appended',
          ops: [txn.id],
          detail: `read ${value} of ${key}, which no transaction appended`,
        });
      }
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

/**
 * Elle's internal consistency: within a transaction, a read of a key shows what its own
 * earlier reads and appends of that key imply. After a read the whole list is known and each
 * append extends it; before any read only the transaction's own appends are known, and the
 * read must end with them, in order.
 */
function checkInternal(txns: readonly Txn[], anomalies: Anomaly[]): void {
  for (const txn of txns) {
    if (txn.status !== 'ok') continue;
    const expected = new Map<string, { whole: boolean; list: string[] }>();
    for (const m of txn.micro) {
      const known = expected.get(m[1]);
      if (m[0] === 'append') {
        if (known === undefined) expected.set(m[1], { whole: false, list: [m[2]] });
        else known.list.push(m[2]);
        continue;
      }
      const list = m[2] ?? [];
      if (known !== undefined && !agrees(known, list)) {
        const implied = known.whole ? 'is' : 'ends with';
        anomalies.push({
          type: 'internal',
          ops: [txn.id],
          detail: `read ${m[1]} as [${list.join(', ')}] where the transaction's own operations say it ${implied} [${known.list.join(', ')}]`,
        });
      }
      expected.set(m[1], { whole: true, list: [...list] });
    }
  }
}

function agrees(
  known: { whole: boolean; list: readonly string[] },
  list: readonly string[],
): boolean {
  const offset = list.length - known.list.length;
  if (offset < 0 || (known.whole && offset !== 0)) return false;
  return known.list.every((v, i) => list[offset + i] === v);
}

/**
 * Version orders come only from reads, so an append that no read holds has no edge, and no
 * cycle can show it lost. So the last read of each key (after the heal, the final reads cover
 * every key) must hold each append to the key that was acknowledged, or that another read had
 * returned, before that read began. An unknown append that nobody read may never have happened.
 * Earlier reads that miss a value the last one holds are stale reads: real-time cycles.
 */
function checkLostAppends(txns: readonly Txn[], anomalies: Anomaly[]): void {
  const appends = new Map<string, { txn: Txn; value: string }[]>();
  for (const txn of txns) {
    if (txn.status === 'fail') continue;
    for (const m of txn.micro) {
      if (m[0] !== 'append') continue;
      const list = appends.get(m[1]);
      if (list === undefined) appends.set(m[1], [{ txn, value: m[2] }]);
      else list.push({ txn, value: m[2] });
    }
  }
  const seenNs = new Map<string, number>();
  const lastReadNs = new Map<string, number>();
  for (const { key, list, txn } of reads(txns)) {
    lastReadNs.set(key, Math.max(lastReadNs.get(key) ?? -Infinity, txn.callNs));
    for (const v of list) {
      const id = `${key}\u0000${v}`;
      seenNs.set(id, Math.min(seenNs.get(id) ?? Infinity, txn.returnNs));
    }
  }
  const reported = new Set<string>();
  for (const { key, list, txn: read } of reads(txns)) {
    if (read.callNs !== lastReadNs.get(key)) continue;
    const held = new Set(list);
    for (const { txn, value } of appends.get(key) ?? []) {
      const id = `${key}\u0000${value}`;
      const acknowledged = txn.status === 'ok' && txn.returnNs < read.callNs;
      const due = acknowledged || (seenNs.get(id) ?? Infinity) < read.callNs;
      if (!due || held.has(value) || reported.has(id)) continue;
      reported.add(id);
      anomalies.push({
        type: 'lost-append',
        ops: [txn.id, read.id],
        detail: `append of ${value} to ${key}, ${acknowledged ? 'acknowledged' : 'read'} before the last read of ${key} began, is missing from it`,
      });
    }
  }
}

/**
 * The transactions whose appends someone read: one of unknown outcome among them counts as
 * committed. One pass over the reads (a pass per unknown transaction was quadratic).
 */
function observedWriters(txns: readonly Txn[], writer: Map<string, Txn>): Set<Txn> {
  const seen = new Set<Txn>();
  for (const { key, list } of reads(txns)) {
    for (const v of list) {
      const w = writer.get(`${key}\u0000${v}`);
      if (w !== undefined) seen.add(w);
    }
  }
  return seen;
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
  addRealtimeEdges(graph, committed);
  return graph;
}

/**
 * Real-time order (T1 returned before T2 was invoked) as Elle builds it: its transitive
 * reduction, O(n × concurrency) edges, so cycle search sees every real-time cycle in a history
 * of any length. Invocations and completions are swept in time order while a frontier holds
 * the completed transactions that no later-completed one has yet followed: an invoked
 * transaction gets an edge from each of them, and on completion it replaces, in the frontier,
 * those it had edges from (they now reach later transactions through it). A transaction of
 * unknown outcome has no completion: it may have taken effect at any time after its
 * invocation, so it follows the frontier but never joins it.
 */
function addRealtimeEdges(graph: Graph, committed: readonly Txn[]): void {
  const events: { timeNs: number; invoke: boolean; txn: Txn }[] = [];
  for (const txn of committed) {
    events.push({ timeNs: txn.callNs, invoke: true, txn });
    if (Number.isFinite(txn.returnNs)) events.push({ timeNs: txn.returnNs, invoke: false, txn });
  }
  // At equal times invocations go first: real time needs the return strictly before the call.
  events.sort((a, b) => a.timeNs - b.timeNs || Number(b.invoke) - Number(a.invoke));
  const frontier = new Set<Txn>();
  const predecessors = new Map<Txn, readonly Txn[]>();
  for (const { invoke, txn } of events) {
    if (invoke) {
      const before = [...frontier];
      for (const earlier of before) addEdge(graph, earlier, txn, 'rt');
      // Only a completion reads this back.
      if (Number.isFinite(txn.returnNs)) predecessors.set(txn, before);
      continue;
    }
    for (const earlier of predecessors.get(txn) ?? []) frontier.delete(earlier);
    predecessors.delete(txn);
    frontier.add(txn);
  }
}

const SEARCH_ORDER: readonly (readonly EdgeType[])[] = [
  ['ww'],
  ['ww', 'wr'],
  ['ww', 'wr', 'rw'],
  ['ww', 'wr', 'rw', 'rt'],
];

const ALL_EDGES: ReadonlySet<EdgeType> = new Set(['ww', 'wr', 'rw', 'rt']);

/**
 * Breadth-first searches per cyclic component, each from a different member; the shortest
 * cycle found is reported. A bound, because a lost or stale write can pull every transaction
 * between the write and the read into one component, and a search from each of them would be
 * quadratic in the length of the run.
 */
const CYCLE_SEARCH_STARTS_MAX = 16;

/**
 * One anomaly per strongly connected component: its cycle that uses the weakest edge types
 * (only ww, then ww+wr, then +rw, then +rt), found within a component of the graph restricted
 * to those types, where every member lies on a cycle.
 */
function findCycles(graph: Graph, nodes: readonly Txn[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const component of stronglyConnected(graph, nodes, new Set(nodes), ALL_EDGES)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    for (const types of SEARCH_ORDER) {
      const allowed = new Set(types);
      const cyclic = stronglyConnected(graph, component, members, allowed).find(
        (c) => c.length > 1,
      );
      if (cyclic === undefined) continue;
      anomalies.push(classify(graph, shortestCycle(graph, cyclic, allowed)));
      break;
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

function successors(
  graph: Graph,
  node: Txn,
  members: ReadonlySet<Txn>,
  allowed: ReadonlySet<EdgeType>,
): Txn[] {
  const result: Txn[] = [];
  for (const [next, types] of graph.get(node) ?? []) {
    if (members.has(next) && [...types].some((t) => allowed.has(t))) result.push(next);
  }
  return result;
}

/**
 * Breadth-first search for the shortest cycle through each of the first members of `component`
 * (a strongly connected component under `allowed`, so each search finds one).
 */
function shortestCycle(graph: Graph, component: readonly Txn[], allowed: Set<EdgeType>): Txn[] {
  const members = new Set(component);
  let best: Txn[] = component.slice(0, 1);
  let found = false;
  for (const start of component.slice(0, CYCLE_SEARCH_STARTS_MAX)) {
    const cycle = cycleThrough(graph, start, members, allowed);
    if (cycle !== undefined && (!found || cycle.length < best.length)) {
      best = cycle;
      found = true;
    }
    if (found && best.length === 2) break;
  }
  return best;
}

function cycleThrough(
  graph: Graph,
  start: Txn,
  members: ReadonlySet<Txn>,
  allowed: ReadonlySet<EdgeType>,
): Txn[] | undefined {
  const parent = new Map<Txn, Txn>();
  const queue: Txn[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as Txn;
    for (const next of successors(graph, node, members, allowed)) {
      if (next === start) {
        const path = [node];
        for (let p = parent.get(node); p !== undefined; p = parent.get(p)) path.push(p);
        return path.reverse();
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/**
 * Tarjan's algorithm over `members` and edges of the `allowed` types, iterative (histories can
 * be long enough to overflow the stack).
 */
function stronglyConnected(
  graph: Graph,
  nodes: readonly Txn[],
  members: ReadonlySet<Txn>,
  allowed: ReadonlySet<EdgeType>,
): Txn[][] {
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
      work.push({ node, edges: successors(graph, node, members, allowed).values() });
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
