/**
 * Tensor accumulation checker: clients add delta vectors into one tensor with TENSOR.ADD and
 * read it whole. Each element is a counter (Jepsen's `counter` model, checkCounter): every read
 * of element e lies between the sum of e's deltas acknowledged before the read began and the
 * sum of e's deltas that may have happened (acknowledged or unknown) before it returned. The
 * final reads, taken after every fault healed with no writes running, must also agree with
 * each other.
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
}

/** `add` ops carry the delta vector as input; `read` ops return the element vector (or null). */
export function checkTensor(operations: readonly Operation[], elements: number): TensorResult {
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
  return {
    valid:
      finalValues !== undefined &&
      errors.length === 0 &&
      malformedReads.length === 0 &&
      divergentFinalReads.length === 0,
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
  };
}
