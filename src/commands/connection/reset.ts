import { SimpleString } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { REPLIES_OFF } from '../session.js';

const RESET = new SimpleString('RESET');

/**
 * RESET: back to a fresh connection: MULTI discarded, keys unwatched, RESP2, no name, READWRITE,
 * no client session, replies on, and unauthenticated again when a password is required.
 */
export const reset = {
  kind: 'session',
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Resets the connection.',
  group: 'connection',
  since: '6.2.0',
  syntax: '',
  run: (ctx) => {
    const session = ctx.session;
    session.endTransaction();
    session.protocol = 2;
    session.name = '';
    session.readonlyMode = false;
    session.clientSessionId = 0;
    // Redis clears CLIENT REPLY OFF (so RESET's own reply is written) but not a running SKIP.
    if (session.repliesToSkip === REPLIES_OFF) session.repliesToSkip = 0;
    session.authenticated = ctx.server.config.requirepass === '';
    return RESET;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
