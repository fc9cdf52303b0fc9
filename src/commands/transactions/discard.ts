import { ErrorReply, OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

const WITHOUT_MULTI = new ErrorReply('ERR DISCARD without MULTI');

/** DISCARD: drop the queued commands and forget WATCHed keys. */
export const discard = {
  kind: 'session',
  name: 'discard',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  categories: ['@fast', '@transaction'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Discards a transaction.',
  group: 'transactions',
  since: '2.0.0',
  syntax: '',
  run: (ctx) => {
    if (ctx.session.multi === undefined) return WITHOUT_MULTI;
    ctx.session.endTransaction();
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
