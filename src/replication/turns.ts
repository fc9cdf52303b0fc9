/**
 * Pulls every item of a lazily produced sequence, one item per event-loop turn, so that work
 * done while producing each item (encoding a snapshot chunk, say) never holds the loop for
 * long: heartbeats, client requests and the log keep flowing in between. A whole 100 MB
 * keyspace encoded in one turn would stall a node past an election timeout.
 */
export async function pullInTurns<T>(items: Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) {
    out.push(item);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Runs a stepwise computation to its end, one step per event-loop turn; resolves with its result. */
export async function stepInTurns<R>(steps: Generator<void, R, undefined>): Promise<R> {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
