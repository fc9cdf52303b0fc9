import { OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** UNWATCH: forget every WATCHed key of this connection. */
export const unwatch = {
  kind: 'session',
  name: 'unwatch',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  categories: ['@fast', '@transaction'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Forgets about watched keys of a transaction.',
  group: 'transactions',
  since: '2.2.0',
  syntax: '',
  run: (ctx) => {
    ctx.session.unwatch();
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
