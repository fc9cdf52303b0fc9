import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** LASTSAVE: unix time of the last successful snapshot (server start before the first). */
export const lastsave = {
  kind: 'session',
  name: 'lastsave',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@admin', '@fast', '@dangerous'],
  keys: { first: 0, last: 0, step: 0 },
  tips: ['nondeterministic_output'],
  summary: 'Returns the Unix timestamp of the last successful save to disk.',
  group: 'server',
  since: '1.0.0',
  syntax: '',
  run: (ctx) => ctx.server.persistence.lastSaveSeconds,
} as const satisfies SessionCommandSpec<SessionContext>;
