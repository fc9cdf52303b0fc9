import { SimpleString } from '../reply.js';
import { SYNTAX } from '../errors.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { BGSAVE_RUNNING, NO_DATA_DIR } from './save.js';

const STARTED = new SimpleString('Background saving started');

/**
 * BGSAVE [SCHEDULE]: the state is captured at once (in microseconds: snapshot-file.ts) and
 * encoded into the file in the background, clients served meanwhile. SCHEDULE is accepted; with
 * a save already running it answers the same error.
 */
export const bgsave = {
  kind: 'session',
  name: 'bgsave',
  arity: -1,
  flags: ['admin', 'noscript', 'no_async_loading'],
  categories: ['@admin', '@slow', '@dangerous'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Asynchronously saves the database(s) to disk.',
  group: 'server',
  since: '1.0.0',
  syntax: '[SCHEDULE]',
  run: (ctx, args) => {
    if (args.length > 2 || (args.length === 2 && (args[1] ?? '').toLowerCase() !== 'schedule'))
      return SYNTAX;
    const persistence = ctx.server.persistence;
    if (persistence.path === undefined) return NO_DATA_DIR;
    return persistence.bgsave() ? STARTED : BGSAVE_RUNNING;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
