/** Sequential specifications for the linearizability checker. */
import type { Operation } from '../history.js';
import type { Model } from './linearizable.js';

/** A value, or null for a key that does not exist. */
export type RegisterValue = string | null;

/**
 * A read/write/compare-and-set register per key.
 *   read:  output is the value read (null if absent)
 *   write: input is the value written
 *   cas:   input is [expected, new]; an `ok` cas swapped (a cas that found another value is
 *          recorded as `fail` by the client and so never reaches the model)
 */
export const registerModel: Model<RegisterValue> = {
  name: 'register',
  init: () => null,
  step(state, op) {
    switch (op.f) {
      case 'read':
        return op.output === state ? state : undefined;
      case 'write':
        return op.input as string;
      case 'cas': {
        const [expected, next] = op.input as [string | null, string];
        return state === expected ? next : undefined;
      }
      default:
        throw new Error(`register model: unknown operation ${op.f}`);
    }
  },
  key: (state) => (state === null ? '\u0000null' : state),
  readOnly: (op: Operation) => op.f === 'read',
};

/**
 * Keys of a register history that no successful final read covers. The final reads (after
 * every fault healed) are what show the post-heal state is linearizable with everything
 * before it; a key without one was not checked after the faults. `all` lists every key the
 * run used (the workload's keys), so that a key no operation reached still needs its final
 * read. Final reads carry the input 'final'; histories recorded before they did are told by
 * their process number (the runner numbers final-read clients from 100,000).
 */
export function keysWithoutFinalRead(
  operations: readonly Operation[],
  all: readonly string[],
): string[] {
  const covered = new Set(
    operations
      .filter((op) => op.f === 'read' && op.status === 'ok' && isFinalRead(op))
      .map((op) => op.key),
  );
  const keys = new Set([...all, ...operations.map((op) => op.key)]);
  return [...keys].filter((key) => !covered.has(key)).sort();
}

/** First process number of the runner's final-read clients (jepsen/runner.ts finalReads). */
const FINAL_PROCESS_FIRST = 100_000;

function isFinalRead(op: Operation): boolean {
  return op.input === 'final' || op.process >= FINAL_PROCESS_FIRST;
}
