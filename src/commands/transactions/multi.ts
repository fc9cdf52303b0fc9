import { ErrorReply, OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

const NESTED = new ErrorReply('ERR MULTI calls can not be nested');

/** MULTI: start queueing; the dispatcher answers `+QUEUED` to what follows until EXEC/DISCARD. */
export const multi = {
  kind: 'session',
  name: 'multi',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  categories: ['@fast', '@transaction'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Starts a transaction.',
  group: 'transactions',
  since: '1.2.0',
  syntax: '',
  run: (ctx) => {
    const session = ctx.session;
    if (session.multi !== undefined) return NESTED;
    session.multi = [];
    session.multiFailed = false;
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
