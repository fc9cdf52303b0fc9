import { OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** QUIT: `+OK`, then the server closes the connection once the reply is written. */
export const quit = {
  kind: 'session',
  name: 'quit',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Closes the connection.',
  group: 'connection',
  since: '1.0.0',
  syntax: '',
  run: (ctx) => {
    ctx.session.closeAfterReply = true;
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
