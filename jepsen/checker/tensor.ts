/**
 * Tensor accumulation checker: clients add delta vectors into one tensor with TENSOR.ADD and
 * read it whole. Each element is a counter (Jepsen's `counter` model, checkCounter): every read
 * of element e lies between the sum of e's deltas acknowledged before the read began and the
 * sum of e's deltas that may have happened (acknowledged or unknown) before it returned. The
 * final reads, taken after every fault healed with no writes running, must also agree with
 * each other.
 *
 * A TENSOR.ADD is one atomic state-machine step, so per-element bounds are not enough: every
 * read must equal the initial tensor (zeros) plus the whole delta vectors of a subset of the
 * adds: each add acknowledged before the read began, no failed add, and of the adds that may
 * have happened by then (acknowledged later, or unknown) each wholly or not at all. A partly
 * applied add, or values no combination of adds produces, is "unexplained". Which subset is a
 * search (subset sum over vectors): `explains` does it exactly within a step budget; a read
 * past the budget is checked per element only, and the report says how many were.
 */
import type { Operation } from '../history.js';
import { checkCounter } from './counter.js';

export interface TensorElementError {
  readonly element: number;
  readonly read: number;
  readonly lower: number;
  readonly upper: number;
  readonly opId: number;
}

export interface TensorResult {
  readonly valid: boolean;
  readonly elements: number;
  readonly reads: number;
  readonly acknowledgedAdds: number;
  readonly unknownAdds: number;
  /** Element sums of the acknowledged adds: the least the final reads may show. */
  readonly acknowledgedSum: readonly number[];
  /** The last final read, or undefined if no final read succeeded. */
  readonly finalValues: readonly number[] | undefined;
  readonly finalReads: number;
  /** Final reads that differ from one another (each is a list of op ids). */
  readonly divergentFinalReads: readonly number[];
  readonly errors: readonly TensorElementError[];
  /** Reads whose shape is not the tensor's (a torn or wrong value). */
  readonly malformedReads: readonly number[];
  /** Reads within the per-element bounds that no subset of whole adds explains. */
  readonly unexplainedReads: readonly number[];
  /** Reads whose subset search ran out of steps: checked per element only. */
  readonly boundsOnlyReads: number;
}

/** Steps of one read's subset search, and of all reads together, before falling back to the
 * per-element bounds: a read among a handful of concurrent adds takes a few dozen steps. */
const SEARCH_STEPS_PER_READ_MAX = 50_000;
const SEARCH_STEPS_MAX = 20_000_000;

/** `add` ops carry the delta vector as input; `read` ops return the element vector (or null). */
export function checkTensor(
  operations: readonly Operation[],
  elements: number,
  searchStepsPerReadMax = SEARCH_STEPS_PER_READ_MAX,
): TensorResult {
  const adds = operations.filter((op) => op.f === 'add');
  const reads = operations.filter((op) => op.f === 'read' && op.status === 'ok');
  const vectorOf = (value: unknown): number[] | undefined =>
    value === null
      ? new Array<number>(elements).fill(0)
      : Array.isArray(value) && value.length === elements
        ? value.map(Number)
        : undefined;
  const malformedReads = reads.filter((op) => vectorOf(op.output) === undefined).map((op) => op.id);
  const wellFormed = reads.filter((op) => vectorOf(op.output) !== undefined);
  const errors: TensorElementError[] = [];
  for (let element = 0; element < elements; element++) {
    const project = (op: Operation): Operation => ({
      ...op,
      input: op.f === 'add' ? ((op.input as number[])[element] ?? 0) : op.input,
      output: op.f === 'read' ? (vectorOf(op.output)?.[element] ?? 0) : op.output,
    });
    const r = checkCounter([...adds, ...wellFormed].map(project));
    for (const e of r.errors) errors.push({ element, ...e });
  }
  const acknowledgedSum = new Array<number>(elements).fill(0);
  for (const add of adds.filter((op) => op.status === 'ok'))
    (add.input as number[]).forEach((v, i) => (acknowledgedSum[i] = (acknowledgedSum[i] ?? 0) + v));
  const finals = wellFormed.filter((op) => op.input === 'final');
  const last = finals[finals.length - 1];
  const finalValues = last === undefined ? undefined : vectorOf(last.output);
  const divergentFinalReads = finals
    .filter((op) => JSON.stringify(vectorOf(op.output)) !== JSON.stringify(finalValues))
    .map((op) => op.id);
  const outOfBounds = new Set(errors.map((e) => e.opId));
  const whole = checkWholeAdds(
    adds,
    wellFormed.filter((op) => !outOfBounds.has(op.id)),
    (op) => vectorOf(op.output) ?? [],
    elements,
    searchStepsPerReadMax,
  );
  return {
    valid:
      finalValues !== undefined &&
      errors.length === 0 &&
      malformedReads.length === 0 &&
      divergentFinalReads.length === 0 &&
      whole.unexplainedReads.length === 0,
    elements,
    reads: reads.length,
    acknowledgedAdds: adds.filter((op) => op.status === 'ok').length,
    unknownAdds: adds.filter((op) => op.status === 'info').length,
    acknowledgedSum,
    finalValues,
    finalReads: finals.length,
    divergentFinalReads,
    errors,
    malformedReads,
    ...whole,
  };
}

/**
 * Each read against the adds as whole vectors: the read minus the adds it must include (ok
 * before it began) must be the sum of a subset of the adds it may include (not failed, invoked
 * before it returned, not acknowledged before it began).
 */
function checkWholeAdds(
  adds: readonly Operation[],
  reads: readonly Operation[],
  valuesOf: (read: Operation) => readonly number[],
  elements: number,
  stepsPerReadMax: number,
): { unexplainedReads: number[]; boundsOnlyReads: number } {
  const deltaOf = (op: Operation): number[] =>
    Array.from({ length: elements }, (_, i) => Number((op.input as number[])[i] ?? 0));
  const done = adds.filter((op) => op.status === 'ok').sort((a, b) => a.returnNs - b.returnNs);
  // sums[i * elements + e]: element e of the i earliest acknowledged adds' sum.
  const sums = new Float64Array((done.length + 1) * elements);
  done.forEach((op, i) =>
    deltaOf(op).forEach(
      (v, e) => (sums[(i + 1) * elements + e] = (sums[i * elements + e] ?? 0) + v),
    ),
  );
  const maybe = adds
    .filter((op) => op.status !== 'fail')
    .sort((a, b) => a.callNs - b.callNs)
    .map((op) => ({ op, delta: deltaOf(op) }));
  const finiteNs = maybe.filter(({ op }) => op.returnNs !== Infinity);
  const durationMaxNs = finiteNs.reduce((max, { op }) => Math.max(max, op.returnNs - op.callNs), 0);
  const unknown = maybe.filter(({ op }) => op.returnNs === Infinity);
  const unexplainedReads: number[] = [];
  let boundsOnlyReads = 0;
  let stepsLeft = SEARCH_STEPS_MAX;
  // The possible adds that explained the last read explained: tried first for the next one.
  let witness = new Set<Operation | undefined>();
  const callNs = (entry: { op: Operation }): number => entry.op.callNs;
  for (const read of reads) {
    const definite = lowerBound(done, read.callNs, (op) => op.returnNs);
    const target = valuesOf(read).map((v, e) => v - (sums[definite * elements + e] ?? 0));
    // Acknowledged adds concurrent with the read (so begun at most durationMaxNs before it),
    // and unknown adds invoked before it returned.
    const concurrent = finiteNs
      .slice(
        lowerBound(finiteNs, read.callNs - durationMaxNs, callNs),
        lowerBound(finiteNs, read.returnNs, callNs),
      )
      .filter(({ op }) => op.returnNs >= read.callNs);
    const candidates = [
      ...concurrent,
      ...unknown.slice(0, lowerBound(unknown, read.returnNs, callNs)),
    ];
    const result = explains(
      target,
      candidates.map(({ delta }) => delta),
      Math.min(stepsLeft, stepsPerReadMax),
      (index) => witness.has(candidates[index]?.op),
    );
    stepsLeft -= result.steps;
    if (result.verdict === 'no') unexplainedReads.push(read.id);
    else if (result.verdict === 'gave-up') boundsOnlyReads++;
    else witness = new Set(result.taken.map((index) => candidates[index]?.op));
  }
  return { unexplainedReads, boundsOnlyReads };
}

/** Index of the first item whose time is t or later, in items sorted by that time. */
function lowerBound<T>(items: readonly T[], t: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid];
    if (item !== undefined && timeOf(item) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Is `target` the sum of some subset of `items` (each taken 0 or 1 times)? A depth-first
 * search over include/exclude, pruned by the least and greatest sums the remaining items can
 * still add per element, remembering (position, remainder) states that failed. Exact when it
 * finishes; 'gave-up' after `stepsMax` steps. `preferred` items (e.g. those that explained
 * the previous read: an applied add stays applied) are tried first and taken first, the others
 * left out first, so a valid history's witness is usually found at once. On 'yes', `taken`
 * holds the indices of a witness subset.
 */
export function explains(
  target: readonly number[],
  items: readonly (readonly number[])[],
  stepsMax: number,
  preferred: (index: number) => boolean = () => false,
): { verdict: 'yes' | 'no' | 'gave-up'; steps: number; taken: number[] } {
  const width = target.length;
  // Preferred first, then larger deltas first: they constrain the remainder soonest.
  const order = items
    .map((_, index) => index)
    .sort(
      (a, b) =>
        Number(preferred(b)) - Number(preferred(a)) ||
        total(items[b] ?? []) - total(items[a] ?? []),
    );
  const n = order.length;
  const high = new Float64Array((n + 1) * width);
  const low = new Float64Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--)
    for (let e = 0; e < width; e++) {
      const v = items[order[i] ?? 0]?.[e] ?? 0;
      high[i * width + e] = (high[(i + 1) * width + e] ?? 0) + Math.max(0, v);
      low[i * width + e] = (low[(i + 1) * width + e] ?? 0) + Math.min(0, v);
    }
  const rest = Float64Array.from(target);
  const failed = new Set<string>();
  const taken: number[] = [];
  let steps = 0;
  const step = (item: readonly number[], sign: number): void => {
    for (let e = 0; e < width; e++) rest[e] = (rest[e] ?? 0) - sign * (item[e] ?? 0);
  };
  const visit = (i: number): boolean | undefined => {
    if (++steps > stepsMax) return undefined;
    for (let e = 0; e < width; e++) {
      const r = rest[e] ?? 0;
      if (r < (low[i * width + e] ?? 0) || r > (high[i * width + e] ?? 0)) return false;
    }
    if (i === n) return true;
    const state = `${i}|${rest.join(',')}`;
    if (failed.has(state)) return false;
    const index = order[i] ?? 0;
    const item = items[index] ?? [];
    for (const take of preferred(index) ? [true, false] : [false, true]) {
      if (take) {
        step(item, 1);
        taken.push(index);
      }
      const found = visit(i + 1);
      if (take && found !== true) {
        step(item, -1);
        taken.pop();
      }
      if (found !== false) return found;
    }
    failed.add(state);
    return false;
  };
  const found = visit(0);
  return { verdict: found === undefined ? 'gave-up' : found ? 'yes' : 'no', steps, taken };
}

function total(vector: readonly number[]): number {
  return vector.reduce((sum, v) => sum + Math.abs(v), 0);
}
