import { ErrorReply, OK, type Reply } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { Persistence, SessionContext } from '../context.js';

export const NO_DATA_DIR = new ErrorReply(
  'ERR no data directory configured: start the server with --data-dir to save snapshots',
);
export const BGSAVE_RUNNING = new ErrorReply('ERR Background save already in progress');

export async function saveNow(persistence: Persistence): Promise<Reply> {
  try {
    await persistence.save();
    return OK;
  } catch (error) {
    return new ErrorReply(
      `ERR snapshot save failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** SAVE: write the snapshot to `<data-dir>/dump.mlsnap` (temp file, fsync, rename) and reply. */
export const save = {
  kind: 'session',
  name: 'save',
  arity: 1,
  flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
  categories: ['@admin', '@slow', '@dangerous'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Synchronously saves the database(s) to disk.',
  group: 'server',
  since: '1.0.0',
  syntax: '',
  run: (ctx) => {
    const persistence = ctx.server.persistence;
    if (persistence.path === undefined) return NO_DATA_DIR;
    if (persistence.bgsaveInProgress) return BGSAVE_RUNNING;
    return saveNow(persistence);
  },
} as const satisfies SessionCommandSpec<SessionContext>;
