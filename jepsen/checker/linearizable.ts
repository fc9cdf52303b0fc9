/**
 * Linearizability checking with the Wing–Gong algorithm as improved by Lowe (memoising
 * (linearized-set, state) pairs), applied per key (P-compositionality: a history is
 * linearizable iff each key's sub-history is, for models whose keys are independent).
 * The same approach as Knossos' WGL checker and Porcupine.
 *
 * Operations whose outcome is unknown (`info`) may take effect at any point after their call
 * or never: they get an infinite return time, so the search may place them last, where a
 * write that never happened is indistinguishable from one that happened after everything.
 * Failed operations (`fail`) did not happen and are dropped.
 */
import type { Operation } from '../history.js';

export interface Model<State> {
  readonly name: string;
  init(): State;
  /** Applies `op` to `state`: the next state, or undefined if `op`'s output is impossible there. */
  step(state: State, op: Operation): State | undefined;
  /** A string that is equal for equal states (for the memo). */
  key(state: State): string;
  /** True if the op cannot change state (reads): unknown-outcome ones can then be dropped. */
  readOnly(op: Operation): boolean;
}

export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface KeyResult {
  readonly key: string;
  readonly verdict: Verdict;
  readonly operations: number;
  /** On `illegal`: the longest sequence the search could linearize, then the op it could not place. */
  readonly longestLinearization?: readonly Operation[];
  readonly stuckAt?: readonly Operation[];
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly keys: readonly KeyResult[];
}

interface Node {
  op: Operation;
  isCall: boolean;
  /** For a call: its return node. */
  match: Node | undefined;
  prev: Node | undefined;
  next: Node | undefined;
}

/** Checks every key's sub-history; stops each key's search at `deadlineMs` (then `unknown`). */
export function checkLinearizable<State>(
  model: Model<State>,
  operations: readonly Operation[],
  options: { timeLimitMs: number; now?: () => number } = { timeLimitMs: 30_000 },
): CheckResult {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + options.timeLimitMs;
  const byKey = new Map<string, Operation[]>();
  for (const op of operations) {
    if (op.status === 'fail') continue;
    if (op.status === 'info' && model.readOnly(op)) continue;
    let list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, (list = []));
    list.push(op);
  }
  const keys: KeyResult[] = [];
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    keys.push(checkKey(model, key, ops, () => now() > deadline));
  }
  const verdict: Verdict = keys.some((k) => k.verdict === 'illegal')
    ? 'illegal'
    : keys.some((k) => k.verdict === 'unknown')
      ? 'unknown'
      : 'ok';
  return { verdict, keys };
}

function buildList(ops: readonly Operation[]): Node | undefined {
  const events: { time: number; isCall: boolean; node: Node }[] = [];
  for (const op of ops) {
    const call: Node = { op, isCall: true, match: undefined, prev: undefined, next: undefined };
    const ret: Node = { op, isCall: false, match: undefined, prev: undefined, next: undefined };
    call.match = ret;
    events.push({ time: op.callNs, isCall: true, node: call });
    events.push({ time: op.returnNs, isCall: false, node: ret });
  }
  // Calls before returns at equal times: touching operations count as concurrent (permissive).
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Node = {
    op: ops[0] as Operation,
    isCall: false,
    match: undefined,
    prev: undefined,
    next: undefined,
  };
  let tail = head;
  for (const { node } of events) {
    tail.next = node;
    node.prev = tail;
    tail = node;
  }
  return head;
}

function lift(call: Node): void {
  unlinkNode(call);
  if (call.match) unlinkNode(call.match);
}

function unlift(call: Node): void {
  if (call.match) relinkNode(call.match);
  relinkNode(call);
}

function unlinkNode(node: Node): void {
  if (node.prev) node.prev.next = node.next;
  if (node.next) node.next.prev = node.prev;
}

function relinkNode(node: Node): void {
  if (node.prev) node.prev.next = node;
  if (node.next) node.next.prev = node;
}

/** Explored configurations a key's search may remember (about 1 GB) before it answers unknown. */
const MEMO_ENTRIES_MAX = 10_000_000;

function checkKey<State>(
  model: Model<State>,
  key: string,
  ops: readonly Operation[],
  timedOut: () => boolean,
): KeyResult {
  if (ops.length === 0) return { key, verdict: 'ok', operations: 0 };
  const head = buildList(ops);
  if (head === undefined) return { key, verdict: 'ok', operations: 0 };
  const indexOf = new Map<Operation, number>(ops.map((op, i) => [op, i]));
  const linearized = new Uint8Array(ops.length);
  // The memo holds (set of linearized ops, model state) pairs already explored. The set is
  // keyed by a 64-bit Zobrist hash kept up to date as ops are placed and removed, not by the
  // bitset itself: a 40,000-op key made every entry 5 KB and a 10-minute history ran the
  // checker out of a 4 GB heap. A collision can only prune a configuration that was not
  // explored, so it could turn a pass into a false "illegal", never an anomaly into a pass
  // (odds about entries^2 / 2^64).
  const zobristA = new Uint32Array(ops.length);
  const zobristB = new Uint32Array(ops.length);
  let seed = 0x9e3779b9;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = 0; i < ops.length; i++) {
    zobristA[i] = random();
    zobristB[i] = random();
  }
  let hashA = 0;
  let hashB = 0;
  const flip = (index: number): void => {
    hashA = (hashA ^ (zobristA[index] ?? 0)) >>> 0;
    hashB = (hashB ^ (zobristB[index] ?? 0)) >>> 0;
  };
  const memo = new Set<string>();
  const stack: { node: Node; state: State }[] = [];
  let state = model.init();
  let entry = head.next;
  let best: Node[] = [];
  let steps = 0;
  // Unknown-outcome ops may never have happened: the search is done once every op that
  // returned is placed, whatever is left of the pending ones (as Knossos does).
  let returnedLeft = ops.filter((op) => op.returnNs !== Infinity).length;
  while (returnedLeft > 0) {
    if ((++steps & 0x3ff) === 0 && (timedOut() || memo.size > MEMO_ENTRIES_MAX))
      return { key, verdict: 'unknown', operations: ops.length };
    if (entry === undefined) throw new Error('linearizability search ran off the history (bug)');
    if (entry.isCall) {
      const next = model.step(state, entry.op);
      const index = indexOf.get(entry.op) ?? 0;
      if (next !== undefined) {
        linearized[index] = 1;
        flip(index);
        const memoKey = `${hashA}.${hashB}|${model.key(next)}`;
        if (!memo.has(memoKey)) {
          memo.add(memoKey);
          stack.push({ node: entry, state });
          state = next;
          lift(entry);
          if (entry.op.returnNs !== Infinity) returnedLeft--;
          if (stack.length > best.length) best = stack.map((s) => s.node);
          entry = head.next;
          continue;
        }
        linearized[index] = 0;
        flip(index);
      }
      entry = entry.next;
      continue;
    }
    // A return whose call is not linearized yet: undo the last choice and try the next one.
    const top = stack.pop();
    if (top === undefined) return illegal(key, ops, best);
    state = top.state;
    const undone = indexOf.get(top.node.op) ?? 0;
    linearized[undone] = 0;
    flip(undone);
    unlift(top.node);
    if (top.node.op.returnNs !== Infinity) returnedLeft++;
    entry = top.node.next;
  }
  return { key, verdict: 'ok', operations: ops.length };
}

function illegal(key: string, ops: readonly Operation[], best: Node[]): KeyResult {
  const placed = new Set(best.map((n) => n.op));
  // After the longest linearization found, the next op must be one of the frontier: the ops
  // not placed whose call precedes the earliest return among them. None of them fits.
  const remaining = ops.filter((op) => !placed.has(op));
  // A loop, not Math.min(...spread): a long key's history overflows the call stack.
  const earliestReturn = remaining.reduce((min, op) => Math.min(min, op.returnNs), Infinity);
  return {
    key,
    verdict: 'illegal',
    operations: ops.length,
    longestLinearization: best.map((n) => n.op),
    stuckAt: remaining.filter((op) => op.callNs <= earliestReturn),
  };
}
