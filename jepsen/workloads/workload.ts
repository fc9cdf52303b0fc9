/** What every workload provides to the runner. */
import type { Redis } from 'ioredis';
import type { Operation } from '../history.js';
import type { Rng } from '../../src/shared/effects.js';
import type { Recorder } from '../recorder.js';

export interface CheckSummary {
  readonly valid: boolean | 'unknown';
  /** One line per finding, for the text report. */
  readonly lines: readonly string[];
  /** Machine-readable details (written into the JSON result). */
  readonly details: unknown;
}

export interface Workload {
  readonly name: string;
  /** Before the clients start, once, on a ready cluster (e.g. create the accounts). */
  setup?(client: Redis): Promise<void>;
  /** Runs one randomly chosen operation on `client` as `process`, recording invoke and completion. */
  step(client: Redis, process: number, rng: Rng, recorder: Recorder): Promise<void>;
  /** After faults heal: final reads (recorded like any other op). */
  final(client: Redis, process: number, recorder: Recorder): Promise<void>;
  check(operations: readonly Operation[]): CheckSummary;
}

/** Invokes `run` with invoke/ok/fail/info recording; `run` returns the ok value or throws. */
export async function recorded(
  recorder: Recorder,
  process: number,
  f: string,
  key: string,
  input: unknown,
  readOnly: boolean,
  run: () => Promise<unknown>,
  classify: (error: unknown, readOnly: boolean) => { type: 'fail' | 'info'; message: string },
): Promise<void> {
  recorder.record(process, 'invoke', f, key, input);
  try {
    const value = await run();
    recorder.record(process, 'ok', f, key, value);
  } catch (error) {
    if (error instanceof DefiniteFailure) {
      recorder.record(process, 'fail', f, key, input, error.message);
      return;
    }
    const outcome = classify(error, readOnly);
    recorder.record(process, outcome.type, f, key, input, outcome.message);
  }
}

/** Thrown by a workload when the operation certainly had no effect (CAS mismatch, aborted EXEC). */
export class DefiniteFailure extends Error {}
