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
