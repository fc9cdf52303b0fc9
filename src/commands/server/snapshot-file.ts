/**
 * The snapshot file `<data-dir>/dump.mlsnap`, written whole or not at all
 * (shared/atomic-file.ts): a crash at any moment leaves either the old snapshot or the new
 * one. The state is captured when the save starts, in microseconds (store/snapshot.ts
 * SnapshotWriter: records frozen in place, collections copied on write), so a background save
 * writes exactly the state at BGSAVE time; it is then encoded chunk by chunk into the file, the
 * event loop serving clients between chunks, and is never whole in memory (Redis forks for the
 * same end).
 *
 * It also counts changes since the last successful save (Redis' `dirty`, INFO persistence
 * `rdb_changes_since_last_save`) and runs the automatic save rules (`save`) from the cron.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirDurably, writeChunks, writeFileAtomically } from '../../shared/atomic-file.js';
import type { Clock } from '../../shared/effects.js';
import { processAlive } from '../../shared/process-alive.js';
import type { Persistence } from '../context.js';
import { CHUNKS_ABANDONED, type ChunksDone, type SnapshotChunks } from '../../store/snapshot.js';
import { dueSaveRule, type SaveRule } from '../../config/save-rules.js';

export const SNAPSHOT_FILE = 'dump.mlsnap';

/** After a failed background save, automatic saves wait this long (Redis' BGSAVE retry delay). */
export const BGSAVE_RETRY_DELAY_SECONDS = 5;

/**
 * The state, captured when called, as chunks of about `chunkBytes` to write in order, each
 * valid until the next step; `undefined` is a pause where the event loop may run
 * (StateMachine.snapshotChunks).
 */
export type SnapshotSource = (chunkBytes: number) => SnapshotChunks;

/** Bytes encoded per chunk (and per event-loop turn) by a save. */
const SAVE_CHUNK_BYTES = 1024 * 1024;

/** A capture whose encoding has begun: from then on, returning the generator releases it. */
interface Started {
  readonly steps: SnapshotChunks;
  readonly first: IteratorResult<Uint8Array | undefined, ChunksDone>;
}

export class SnapshotFile implements Persistence {
  readonly path: string | undefined;
  lastSaveSeconds: number;
  bgsaveInProgress = false;
  lastSaveOk = true;
  saves = 0;
  /** Changes made since the last successful save began capturing; the dispatcher adds to it. */
  changesSinceSave = 0;
  /** When the last background save was started, for the retry delay after a failure. */
  private lastBackgroundTrySeconds = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string | undefined,
    private readonly capture: SnapshotSource,
    private readonly clock: Clock,
    private readonly onBackgroundError: (error: unknown) => void = () => {},
  ) {
    this.path = dataDir === undefined ? undefined : join(dataDir, SNAPSHOT_FILE);
    this.lastSaveSeconds = Math.floor(clock.nowMs() / 1000);
  }

  async save(): Promise<void> {
    // Changes made while the file is written are not in it: only those captured are cleared.
    const captured = this.changesSinceSave;
    await this.write(this.start());
    this.changesSinceSave -= captured;
  }

  bgsave(): boolean {
    if (this.bgsaveInProgress) return false;
    const captured = this.changesSinceSave;
    const started = this.start();
    this.bgsaveInProgress = true;
    this.lastBackgroundTrySeconds = Math.floor(this.clock.nowMs() / 1000);
    this.write(started)
      .then(() => {
        this.changesSinceSave -= captured;
      })
      .catch(this.onBackgroundError)
      .finally(() => {
        this.bgsaveInProgress = false;
      });
    return true;
  }

  /**
   * The automatic save rules, from the cron: starts a background save when a rule is due
   * (Redis' serverCron). Returns the rule that started one. Nothing without a data directory,
   * while a save runs, or within the retry delay after a failed one.
   */
  autoSave(nowMs: number, rules: readonly SaveRule[]): SaveRule | undefined {
    if (rules.length === 0 || this.path === undefined || this.bgsaveInProgress) return undefined;
    const nowSeconds = Math.floor(nowMs / 1000);
    if (
      !this.lastSaveOk &&
      nowSeconds - this.lastBackgroundTrySeconds <= BGSAVE_RETRY_DELAY_SECONDS
    )
      return undefined;
    const rule = dueSaveRule(rules, this.changesSinceSave, nowSeconds - this.lastSaveSeconds);
    if (rule === undefined || !this.bgsave()) return undefined;
    return rule;
  }

  /** Resolves once no save is running (clean shutdown waits for a BGSAVE in flight). */
  async idle(): Promise<void> {
    await this.writing.catch(() => {});
  }

  /** Captures the state and takes the first step, so that returning the steps releases it. */
  private start(): Started {
    const steps = this.capture(SAVE_CHUNK_BYTES);
    return { steps, first: steps.next() };
  }

  private write(started: Started): Promise<void> {
    // Saves run one after another, so two never race on the temp file.
    const run = this.writing
      .catch(() => {})
      .then(() => this.writeNow(started))
      .finally(() => started.steps.return(CHUNKS_ABANDONED));
    this.writing = run;
    return run;
  }

  private async writeNow({ steps, first }: Started): Promise<void> {
    const path = this.path;
    const dir = this.dataDir;
    if (path === undefined || dir === undefined) throw new Error('no data directory');
    try {
      await makeDirDurably(dir);
      await writeFileAtomically(
        path,
        async (file) => {
          await writeChunks(file, first, steps);
        },
        `${path}.tmp-${process.pid}`,
      );
      this.lastSaveSeconds = Math.floor(this.clock.nowMs() / 1000);
      this.lastSaveOk = true;
      this.saves++;
    } catch (error) {
      this.lastSaveOk = false;
      throw error;
    }
  }
}

const TEMP_NAME = /^dump\.mlsnap\.tmp-(\d+)$/;

/**
 * Startup: removes the temporary files of saves whose process is gone (a crash mid-save leaves
 * one as large as the dataset, and a new process never reuses its name). A live process' file
 * is kept, whoever it is: the data directory may be shared by mistake. Returns the names removed.
 */
export function removeAbandonedSaves(dataDir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dataDir)) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || processAlive(Number(pid))) continue;
    try {
      rmSync(join(dataDir, name)); // a directory of that name is not ours: left alone
      removed.push(name);
    } catch {
      // Housekeeping only: a file that cannot be removed now is tried again at the next start.
    }
  }
  return removed;
}

/** Startup: a corrupt or unreadable snapshot stops the server with a message naming the file. */
export class SnapshotLoadError extends Error {
  override readonly name = 'SnapshotLoadError';
}

/**
 * Reads `<dataDir>/dump.mlsnap` into `restore` if it exists (a missing directory holds none);
 * returns whether it did. Throws SnapshotLoadError on an unreadable or corrupt file. The
 * directory itself is made at startup (main.ts), durably.
 */
export function loadSnapshot(dataDir: string, restore: (bytes: Uint8Array) => void): boolean {
  const path = join(dataDir, SNAPSHOT_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new SnapshotLoadError(`cannot read snapshot ${path}: ${String(error)}`);
  }
  try {
    restore(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SnapshotLoadError(`corrupt snapshot ${path}: ${reason}`);
  }
  return true;
}
