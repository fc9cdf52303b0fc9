import { ErrorReply, MapReply, type Reply } from '../reply.js';
import type { SessionCommandSpec } from '../spec.js';
import { REDIS_VERSION, type SessionContext } from '../context.js';
import { authenticate } from './authenticate.js';
import { NAME_CHARSET_ERROR, isValidClientName } from './client-info.js';
import { parseDecimal } from '../../config/config.js';

const NOPROTO = new ErrorReply('NOPROTO unsupported protocol version');
const BAD_VERSION = new ErrorReply('ERR Protocol version is not an integer or out of range');
const NOAUTH_HELLO = new ErrorReply(
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the ' +
    'HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and ' +
    'select the RESP protocol version at the same time',
);

interface HelloOptions {
  readonly version: 2 | 3 | undefined;
  readonly auth: readonly [string, string] | undefined;
  readonly name: string | undefined;
}

/** Parses `HELLO [protover [AUTH user pass] [SETNAME name]]`; an ErrorReply on bad input. */
function parseHello(args: readonly string[]): HelloOptions | ErrorReply {
  let version: 2 | 3 | undefined;
  if (args.length >= 2) {
    const parsed = parseDecimal(args[1] ?? '');
    if (parsed === undefined) return BAD_VERSION;
    if (parsed !== 2 && parsed !== 3) return NOPROTO;
    version = parsed;
  }
  let auth: readonly [string, string] | undefined;
  let name: string | undefined;
  for (let i = 2; i < args.length; i++) {
    const option = args[i] ?? '';
    const more = args.length - 1 - i;
    if (option.toLowerCase() === 'auth' && more >= 2) {
      auth = [args[i + 1] ?? '', args[i + 2] ?? ''];
      i += 2;
    } else if (option.toLowerCase() === 'setname' && more >= 1) {
      name = args[i + 1] ?? '';
      if (!isValidClientName(name)) return NAME_CHARSET_ERROR;
      i += 1;
    } else {
      return new ErrorReply(`ERR Syntax error in HELLO option '${option}'`);
    }
  }
  return { version, auth, name };
}

/** The handshake map Redis sends (networking.c helloCommand). */
function helloReply(ctx: SessionContext): Reply {
  return new MapReply([
    ['server', 'redis'],
    ['version', REDIS_VERSION],
    ['proto', ctx.session.protocol],
    ['id', ctx.session.id],
    ['mode', 'standalone'],
    ['role', ctx.server.executor.role?.() ?? 'master'],
    ['modules', []],
  ]);
}

/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]]: switches RESP2/RESP3,
 * optionally authenticates and names the connection, and answers the server's handshake map
 * (in the newly chosen protocol).
 */
export const hello = {
  kind: 'session',
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  categories: ['@fast', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Handshakes with the Redis server.',
  group: 'connection',
  since: '6.0.0',
  syntax: '[protover [AUTH username password] [SETNAME clientname]]',
  run: (ctx, args) => {
    const options = parseHello(args);
    if (options instanceof ErrorReply) return options;
    if (options.auth !== undefined) {
      const failure = authenticate(ctx, options.auth[0], options.auth[1]);
      if (failure !== undefined) return failure;
    }
    if (!ctx.session.authenticated) return NOAUTH_HELLO;
    if (options.name !== undefined) ctx.session.name = options.name;
    if (options.version !== undefined) ctx.session.protocol = options.version;
    return helloReply(ctx);
  },
} as const satisfies SessionCommandSpec<SessionContext>;
