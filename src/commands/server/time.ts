import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** TIME: [unix seconds, microseconds] as bulk strings, from the server clock. */
export const time = {
  kind: 'session',
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Returns the server time.',
  group: 'server',
  since: '2.6.0',
  syntax: '',
  run: (ctx) => {
    const nowMs = ctx.server.clock.nowMs();
    const seconds = Math.floor(nowMs / 1000);
    return [String(seconds), String(Math.floor((nowMs - seconds * 1000) * 1000))];
  },
} as const satisfies SessionCommandSpec<SessionContext>;
