/**
 * Counter workload checker (Jepsen's `counter`): clients INCRBY positive amounts; every read
 * must lie between the sum of increments acknowledged before it began and the sum of all
 * increments that might have happened by the time it ended (acknowledged or unknown, invoked
 * before the read returned). A run needs a successful final read (taken after every fault
 * healed): without one nothing was checked after the faults, and the run proves nothing.
 */
import type { Operation } from '../history.js';

export interface CounterResult {
  readonly valid: boolean;
  readonly reads: number;
  /** Successful final reads; 0 makes the run invalid. */
  readonly finalReads: number;
  readonly errors: readonly {
    readonly read: number;
    readonly lower: number;
    readonly upper: number;
    readonly opId: number;
  }[];
}

export function checkCounter(operations: readonly Operation[]): CounterResult {
  const adds = operations.filter((op) => op.f === 'add' && op.status !== 'fail');
  const reads = operations.filter((op) => op.f === 'read' && op.status === 'ok');
  // Sorted times with prefix sums: each read's bounds are two binary searches, so a 10-minute
  // history (tens of thousands of reads and adds) checks in milliseconds, not minutes.
  const acknowledged = new TimedSums(
    adds.filter((op) => op.status === 'ok').map((op) => [op.returnNs, Number(op.input)]),
  );
  const attempted = new TimedSums(adds.map((op) => [op.callNs, Number(op.input)]));
  const errors: { read: number; lower: number; upper: number; opId: number }[] = [];
  for (const read of reads) {
    const lower = acknowledged.before(read.callNs);
    const upper = attempted.before(read.returnNs);
    const value = Number(read.output);
    if (!(value >= lower && value <= upper))
      errors.push({ read: value, lower, upper, opId: read.id });
  }
  const finalReads = reads.filter((op) => op.input === 'final').length;
  return { valid: finalReads > 0 && errors.length === 0, reads: reads.length, finalReads, errors };
}

/** Amounts at points in time; `before(t)` sums those strictly before t. */
class TimedSums {
  private readonly times: Float64Array;
  /** sums[i]: the total of the i earliest amounts. */
  private readonly sums: Float64Array;

  constructor(entries: [time: number, amount: number][]) {
    entries.sort((x, y) => x[0] - y[0]);
    this.times = new Float64Array(entries.length);
    this.sums = new Float64Array(entries.length + 1);
    entries.forEach(([time, amount], i) => {
      this.times[i] = time;
      this.sums[i + 1] = (this.sums[i] ?? 0) + amount;
    });
  }

  before(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? 0) < t) lo = mid + 1;
      else hi = mid;
    }
    return this.sums[lo] ?? 0;
  }
}
