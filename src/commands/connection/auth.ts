import { ErrorReply, OK } from '../reply.js';
import { SYNTAX } from '../errors.js';
import type { SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { authenticate } from './authenticate.js';

const NO_PASSWORD_CONFIGURED = new ErrorReply(
  'ERR AUTH <password> called without any password configured for the default user. ' +
    'Are you sure your configuration is correct?',
);

/** AUTH [username] password: as Redis with `requirepass` and the single `default` user. */
export const auth = {
  kind: 'session',
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Authenticates the connection.',
  group: 'connection',
  since: '1.0.0',
  syntax: '[username] password',
  run: (ctx, args) => {
    if (args.length > 3) return SYNTAX;
    if (args.length === 2) {
      if (ctx.server.config.requirepass === '') return NO_PASSWORD_CONFIGURED;
      return authenticate(ctx, 'default', args[1] ?? '') ?? OK;
    }
    return authenticate(ctx, args[1] ?? '', args[2] ?? '') ?? OK;
  },
} as const satisfies SessionCommandSpec<SessionContext>;
