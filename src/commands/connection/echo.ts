import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/** ECHO message: the message as a bulk string. */
export const echo = {
  kind: 'session',
  name: 'echo',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Returns the given string.',
  group: 'connection',
  since: '1.0.0',
  syntax: 'message',
  run: (_ctx, args) => args[1] ?? '',
} as const satisfies SessionCommandSpec<SessionContext>;
