import { VerbatimReply } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';

/**
 * INFO [section ...]: `# Section` headers and `key:value` CRLF lines; no argument (or
 * `default`) gives the default sections, `all`/`everything` adds commandstats. A bulk string in
 * RESP2, a verbatim `txt` string in RESP3.
 */
export const info = {
  kind: 'session',
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  categories: ['@slow', '@dangerous'],
  keys: { first: 0, last: 0, step: 0 },
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
  summary: 'Returns information and statistics about the server.',
  group: 'server',
  since: '1.0.0',
  syntax: '[section [section ...]]',
  run: (ctx, args) => new VerbatimReply('txt', ctx.server.info.render(args.slice(1))),
} as const satisfies SessionCommandSpec<SessionContext>;
