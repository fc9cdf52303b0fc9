/** Records a history as workers invoke and complete operations. */
import type { EventType, HistoryEvent } from './history.js';

export class Recorder {
  private readonly startNs = process.hrtime.bigint();
  readonly events: HistoryEvent[] = [];

  nowNs(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  record(
    process: number,
    type: EventType,
    f: string,
    key: string,
    value: unknown,
    error?: string,
  ): void {
    const event: HistoryEvent = { process, type, f, key, value, timeNs: this.nowNs() };
    this.events.push(error === undefined ? event : { ...event, error });
  }
}

/**
 * How a client error maps to an outcome. A write that may have happened must be `info`
 * (unknown), never `fail`: only errors that prove the command never ran count as failures.
 */
export function classifyError(
  error: unknown,
  readOnly: boolean,
): { type: 'fail' | 'info'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (readOnly) return { type: 'fail', message };
  // CLUSTERDOWN and TRYAGAIN are definite by contract (src/replication/errors.ts); UNKNOWN
  // and timeouts are not. "Stream isn't writeable": ioredis never sent the command.
  const definite =
    /^(CLUSTERDOWN|TRYAGAIN|MOVED|NOAUTH|NOPERM|WRONGTYPE|EXECABORT|Stream isn't writeable|ERR (wrong number|unknown command|syntax|value is not))/;
  return { type: definite.test(message) ? 'fail' : 'info', message };
}
