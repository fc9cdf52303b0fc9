import { ErrorReply, type Reply } from '../reply.js';
import { SYNTAX } from '../errors.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext, ShutdownMode } from '../context.js';

const NO_SHUTDOWN = new ErrorReply('ERR No shutdown in progress.');

function parseMode(args: readonly string[]): ShutdownMode | ErrorReply {
  let mode: ShutdownMode = 'default';
  for (const arg of args.slice(1)) {
    const option = arg.toLowerCase();
    if (option === 'abort') return NO_SHUTDOWN;
    if (option === 'now' || option === 'force') continue;
    if ((option === 'save' || option === 'nosave') && mode === 'default') mode = option;
    else return SYNTAX;
  }
  return mode;
}

/**
 * SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE]: saves a snapshot (unless NOSAVE, or no data
 * directory), closes the listeners and exits. On success the client sees the connection close;
 * if the save fails the server stays up and answers an error.
 */
export const shutdown = {
  kind: 'session',
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  categories: ['@admin', '@slow', '@dangerous'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Synchronously saves the database(s) to disk and shuts down the server.',
  group: 'server',
  since: '1.0.0',
  syntax: '[NOSAVE | SAVE] [NOW] [FORCE]',
  run: async (ctx, args): Promise<Reply> => {
    const mode = parseMode(args);
    if (mode instanceof ErrorReply) return mode;
    const failure = await ctx.server.shutdown(mode);
    // On success the process is exiting; this reply is written only if the socket is still open.
    return failure ?? new ErrorReply('ERR shutdown in progress');
  },
} as const satisfies SessionCommandSpec<SessionContext>;
