/**
 * Set workload checker (Jepsen's `set-full`, simplified): clients add unique elements; the
 * final reads (after all faults healed) must contain every acknowledged add.
 *   lost        acknowledged add missing from the final read
 *   unexpected  element in the final read that no one ever tried to add
 *   recovered   add with unknown outcome that is present (fine: it happened)
 *   stale       an intermediate read that misses an add to its key acknowledged before that
 *               read began (the final reads cover every key)
 *   failedPresent  an add reported as failed (definitely not done) that is in the final read:
 *                  MISSION promise 2 says a failure must mean nothing happened
 */
import type { Operation } from '../history.js';

export interface SetResult {
  readonly valid: boolean;
  readonly attempted: number;
  readonly acknowledged: number;
  readonly lost: readonly string[];
  readonly unexpected: readonly string[];
  readonly recovered: number;
  readonly staleReads: number;
  readonly finalReads: number;
  readonly failedPresent: readonly string[];
  /** Op ids of the lost adds and of the stale reads (for the report's highlight). */
  readonly lostOps: readonly number[];
  readonly staleReadOps: readonly number[];
}

/** `add` ops carry the element as input; `read` ops return the members (string[]). */
export function checkSet(operations: readonly Operation[]): SetResult {
  const adds = operations.filter((op) => op.f === 'add');
  const reads = operations.filter((op) => op.f === 'read' && op.status === 'ok');
  const finalReads = reads.filter((op) => op.input === 'final');
  const attempted = new Set(
    adds.filter((op) => op.status !== 'fail').map((op) => String(op.input)),
  );
  const acknowledged = adds.filter((op) => op.status === 'ok');
  const lastFinal = finalReads[finalReads.length - 1];
  const finalMembers = new Set((lastFinal?.output as string[] | undefined) ?? []);
  const lost = lastFinal
    ? acknowledged.map((op) => String(op.input)).filter((e) => !finalMembers.has(e))
    : [];
  const lostSet = new Set(lost);
  const lostOps = acknowledged.filter((op) => lostSet.has(String(op.input))).map((op) => op.id);
  const failedPresent = adds
    .filter((op) => op.status === 'fail' && finalMembers.has(String(op.input)))
    .map((op) => String(op.input));
  const everAdded = new Set(adds.map((op) => String(op.input)));
  const unexpected = [...finalMembers].filter((e) => !everAdded.has(e));
  const recovered = adds.filter(
    (op) => op.status === 'info' && finalMembers.has(String(op.input)),
  ).length;
  // Acknowledged adds by key, in order of return, so that a read checks only its own key's
  // adds that returned before it began.
  const acknowledgedByKey = new Map<string, Operation[]>();
  for (const add of acknowledged) {
    const list = acknowledgedByKey.get(add.key);
    if (list === undefined) acknowledgedByKey.set(add.key, [add]);
    else list.push(add);
  }
  for (const list of acknowledgedByKey.values()) list.sort((a, b) => a.returnNs - b.returnNs);
  const staleReadOps: number[] = [];
  for (const read of reads) {
    // A final read covers every key; any other read, the key it read.
    const candidates =
      read.input === 'final' ? acknowledged : (acknowledgedByKey.get(read.key) ?? []);
    const seen = new Set(read.output as string[]);
    const missed = candidates.some(
      (add) => add.returnNs < read.callNs && !seen.has(String(add.input)),
    );
    if (missed) staleReadOps.push(read.id);
  }
  const staleReads = staleReadOps.length;
  return {
    valid:
      lastFinal !== undefined &&
      lost.length === 0 &&
      unexpected.length === 0 &&
      staleReads === 0 &&
      failedPresent.length === 0,
    attempted: attempted.size,
    acknowledged: acknowledged.length,
    lost,
    unexpected,
    recovered,
    staleReads,
    finalReads: finalReads.length,
    failedPresent,
    lostOps,
    staleReadOps,
  };
}
