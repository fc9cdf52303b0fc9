import { OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** READONLY: allows reads from a replica in cluster mode; recorded, `+OK`. */
export const readonly = {
  kind: 'session',
  name: 'readonly',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Enables read-only queries for a connection to a Redis Cluster replica node.',
  group: 'cluster',
  since: '3.0.0',
  syntax: '',
  run: (ctx) => {
    ctx.session.readonlyMode = true;
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
