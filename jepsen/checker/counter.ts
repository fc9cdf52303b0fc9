/**
 * Counter workload checker (Jepsen's `counter`): clients INCRBY positive amounts; every read
 * must lie between the sum of increments acknowledged before it began and the sum of all
 * increments that might have happened by the time it ended (acknowledged or unknown, invoked
 * before the read returned).
 */
import type { Operation } from '../history.js';

export interface CounterResult {
  readonly valid: boolean;
  readonly reads: number;
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
  const errors: { read: number; lower: number; upper: number; opId: number }[] = [];
  for (const read of reads) {
    let lower = 0;
    let upper = 0;
    for (const add of adds) {
      const amount = Number(add.input);
      if (add.status === 'ok' && add.returnNs < read.callNs) lower += amount;
      if (add.callNs < read.returnNs) upper += amount;
    }
    const value = Number(read.output);
    if (!(value >= lower && value <= upper))
      errors.push({ read: value, lower, upper, opId: read.id });
  }
  return { valid: errors.length === 0, reads: reads.length, errors };
}
