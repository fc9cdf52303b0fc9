import { OK } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** READWRITE: leaves READONLY mode; `+OK`. */
export const readwrite = {
  kind: 'session',
  name: 'readwrite',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Enables read-write queries for a connection to a Redis Cluster replica node.',
  group: 'cluster',
  since: '3.0.0',
  syntax: '',
  run: (ctx) => {
    ctx.session.readonlyMode = false;
    return OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
