import { ErrorReply, OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

const INSIDE_MULTI = new ErrorReply('ERR WATCH inside MULTI is not allowed');

/**
 * WATCH key [key ...]: EXEC will do nothing (and answer a null array) if any watched key changes
 * after this point. The transaction carries the applied index of the *first* WATCH, so a key
 * watched later is checked from that earlier point: a change in between aborts the EXEC
 * (a spurious abort clients retry, never a missed change).
 */
export const watch = {
  kind: 'session',
  name: 'watch',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
  categories: ['@fast', '@transaction'],
  keys: { first: 1, last: -1, step: 1 },
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 1, limit: 0 } }],
  summary: 'Monitors changes to keys to determine the execution of a transaction.',
  group: 'transactions',
  since: '2.2.0',
  syntax: 'key [key ...]',
  run: (ctx, args) => {
    const session = ctx.session;
    if (session.multi !== undefined) return INSIDE_MULTI;
    if (session.watchedKeys === undefined) {
      session.watchedKeys = [];
      session.watchIndex = ctx.server.executor.appliedIndex();
    }
    for (let i = 1; i < args.length; i++) session.watchedKeys.push(args[i] ?? '');
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
