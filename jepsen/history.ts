/**
 * Operation histories in the style of Jepsen: every client operation is recorded twice, when it
 * is invoked and when it completes. A completion is `ok` (it happened, with this result),
 * `fail` (it definitely did not happen) or `info` (unknown: it may or may not have happened,
 * e.g. a timeout or a connection lost mid-request).
 */
export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

export interface HistoryEvent {
  /** The client (worker) that issued the operation; one operation at a time per process. */
  readonly process: number;
  readonly type: EventType;
  /** Operation name: read, write, cas, add, ... (workload-specific). */
  readonly f: string;
  /** Key the operation touches (histories are checked per key where the model allows). */
  readonly key: string;
  /** Invocation argument, or the result on an `ok` completion. JSON-serialisable. */
  readonly value: unknown;
  /** Monotonic nanoseconds since the run began. */
  readonly timeNs: number;
  /** Why an operation failed or is unknown (error text), for the report. */
  readonly error?: string;
}

/** An invocation paired with its completion. `returnNs` is Infinity when the outcome is unknown. */
export interface Operation {
  readonly id: number;
  readonly process: number;
  readonly f: string;
  readonly key: string;
  readonly input: unknown;
  /** The `ok` result; undefined for `info` operations. */
  readonly output: unknown;
  readonly status: 'ok' | 'fail' | 'info';
  readonly callNs: number;
  readonly returnNs: number;
  readonly error?: string;
}

/**
 * Pairs each invoke with the next completion of the same process. An invocation with no
 * completion (the run ended first) counts as `info`. Throws on a malformed history (a
 * completion without an invoke, two invokes in flight on one process, a completion of another
 * operation or key than its invoke's, or one timestamped before its invoke): that is a bug in
 * the recorder or a damaged file, not something to check around.
 */
export function pairOperations(events: readonly HistoryEvent[]): Operation[] {
  const open = new Map<number, { event: HistoryEvent; id: number }>();
  const operations: Operation[] = [];
  let nextId = 0;
  for (const event of events) {
    if (event.type === 'invoke') {
      if (open.has(event.process)) {
        throw new Error(`process ${event.process} invoked twice without a completion`);
      }
      open.set(event.process, { event, id: nextId++ });
      continue;
    }
    const call = open.get(event.process);
    if (call === undefined)
      throw new Error(`completion without invoke on process ${event.process}`);
    checkCompletes(call.event, event);
    open.delete(event.process);
    operations.push(toOperation(call.id, call.event, event));
  }
  for (const { event, id } of open.values()) operations.push(toOperation(id, event, undefined));
  return operations.sort((a, b) => a.id - b.id);
}

function checkCompletes(call: HistoryEvent, done: HistoryEvent): void {
  const where = `process ${done.process} at ${done.timeNs} ns`;
  if (done.f !== call.f || done.key !== call.key)
    throw new Error(
      `${where}: completion ${done.type} ${done.f} ${JSON.stringify(done.key)} does not match its invoke ${call.f} ${JSON.stringify(call.key)}`,
    );
  if (!(done.timeNs >= call.timeNs))
    throw new Error(`${where}: ${done.f} completed before its invoke at ${call.timeNs} ns`);
}

function toOperation(id: number, call: HistoryEvent, done: HistoryEvent | undefined): Operation {
  const status = done === undefined ? 'info' : (done.type as 'ok' | 'fail' | 'info');
  const base = {
    id,
    process: call.process,
    f: call.f,
    key: call.key,
    input: call.value,
    output: status === 'ok' ? done?.value : undefined,
    status,
    callNs: call.timeNs,
    returnNs: status === 'info' || done === undefined ? Infinity : done.timeNs,
  } as const;
  const error = done?.error;
  return error === undefined ? base : { ...base, error };
}
