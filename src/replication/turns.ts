/**
 * Runs a stepwise computation (encoding or decoding a snapshot, say) to its end, one step per
 * event-loop turn, so that it never holds the loop for long: heartbeats, client requests and
 * the log keep flowing in between. A whole 100 MB keyspace encoded in one turn would stall a
 * node past an election timeout. Resolves with the computation's result.
 */
export async function stepInTurns<R>(steps: Generator<void, R, undefined>): Promise<R> {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
