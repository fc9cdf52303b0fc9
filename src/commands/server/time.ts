import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { wallClockUs } from '../../shared/effects.js';

/** TIME: [unix seconds, microseconds] as bulk strings, from the server clock at microseconds. */
export const time = {
  kind: 'session',
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast'],
  keys: { first: 0, last: 0, step: 0 },
  tips: ['nondeterministic_output'],
  summary: 'Returns the server time.',
  group: 'server',
  since: '2.6.0',
  syntax: '',
  run: (ctx) => {
    const nowUs = wallClockUs(ctx.server.clock);
    const seconds = Math.floor(nowUs / 1_000_000);
    return [String(seconds), String(nowUs - seconds * 1_000_000)];
  },
} as const satisfies SessionCommandSpec<SessionContext>;
