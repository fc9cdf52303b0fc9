/** Hand-made histories for the checkers' tests. */
import type { Operation } from '../history.js';

export type { Operation };

/** An operation builder for one key, numbering its operations from `firstId`. */
export function operationsOn(
  key: string,
  firstId = 0,
): (
  f: string,
  status: Operation['status'],
  input: unknown,
  output: unknown,
  callNs: number,
  returnNs: number,
) => Operation {
  let nextId = firstId;
  return (f, status, input, output, callNs, returnNs) => ({
    id: nextId++,
    process: 0,
    f,
    key,
    input,
    output,
    status,
    callNs,
    returnNs,
  });
}
