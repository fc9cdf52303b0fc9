/**
 * CLIENT and its subcommands: ID, INFO, LIST, GETNAME, SETNAME, SETINFO, KILL, NO-EVICT,
 * NO-TOUCH, REPLY, PAUSE, UNPAUSE, SESSION (memlayer's, for idempotent retries), HELP. Not
 * implemented (answer Redis' unknown-subcommand error): TRACKING, CACHING, GETREDIR,
 * TRACKINGINFO, UNBLOCK.
 */
import { ErrorReply, OK, SimpleString, VerbatimReply, type Reply } from '../reply.js';
import { SYNTAX, UNKNOWN_SUBCOMMAND } from '../errors.js';
import type { AclCategory, CommandFlag, SessionCommandSpec, SessionHandler } from '../spec.js';
import type { ClientSession, SessionContext } from '../context.js';
import { REPLIES_OFF } from '../session.js';
import { clientPauseCommand } from './client-pause.js';
import { NAME_CHARSET_ERROR, clientInfoLine, isValidClientName } from './client-info.js';
import { parseDecimal } from '../../config/config.js';
import { parseSessionNumber } from './seq.js';

type Spec = SessionCommandSpec<SessionContext>;

const FLAGS: readonly CommandFlag[] = ['noscript', 'loading', 'stale'];
const CATEGORIES: readonly AclCategory[] = ['@slow', '@connection'];
/** COMMAND INFO tips of INFO and LIST, whose lines carry ages, idle times and addresses. */
const NONDETERMINISTIC: readonly string[] = ['nondeterministic_output'];
/** KILL, LIST, NO-EVICT, PAUSE and UNPAUSE: Redis files them as admin commands. */
const ADMIN_FLAGS: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const ADMIN_CATEGORIES: readonly AclCategory[] = ['@admin', '@slow', '@dangerous', '@connection'];

function sub(
  name: string,
  arity: number,
  summary: string,
  syntax: string,
  run: SessionHandler<SessionContext>,
  flags: readonly CommandFlag[] = FLAGS,
): Spec {
  return {
    kind: 'session',
    name: `client|${name}`,
    arity,
    flags,
    categories: flags.includes('admin') ? ADMIN_CATEGORIES : CATEGORIES,
    keys: { first: 0, last: 0, step: 0 },
    summary,
    group: 'connection',
    since: '2.4.0',
    syntax,
    run,
  };
}

const listClients = (ctx: SessionContext, sessions: Iterable<ClientSession>): Reply => {
  const nowMs = ctx.server.clock.nowMs();
  let text = '';
  for (const session of sessions) text += clientInfoLine(session, nowMs) + '\n';
  return new VerbatimReply('txt', text);
};

/** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id [id ...]] */
function clientList(ctx: SessionContext, args: readonly string[]): Reply {
  if (args.length === 2) return listClients(ctx, ctx.server.clients.values());
  const option = (args[2] ?? '').toLowerCase();
  if (option === 'type' && args.length === 4) {
    const type = (args[3] ?? '').toLowerCase();
    if (!CLIENT_TYPES.has(type)) return new ErrorReply(`ERR Unknown client type '${args[3]}'`);
    return listClients(ctx, type === 'normal' ? ctx.server.clients.values() : []);
  }
  if (option === 'id' && args.length > 3) {
    const found: ClientSession[] = [];
    for (const raw of args.slice(3)) {
      const id = parseDecimal(raw);
      if (id === undefined) return new ErrorReply('ERR Invalid client ID');
      const session = ctx.server.clients.get(id);
      if (session !== undefined) found.push(session);
    }
    return listClients(ctx, found);
  }
  return SYNTAX;
}

/** Every client is `normal` here: no replicas, masters or pub/sub clients on this port. */
const CLIENT_TYPES = new Set(['normal', 'master', 'replica', 'slave', 'pubsub']);

interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: string;
  skipMe: boolean;
}

function parseKillFilter(args: readonly string[]): KillFilter | ErrorReply {
  const filter: KillFilter = { skipMe: true };
  for (let i = 2; i < args.length; i += 2) {
    const option = (args[i] ?? '').toLowerCase();
    const value = args[i + 1];
    if (value === undefined) return SYNTAX;
    if (option === 'id') {
      const id = parseDecimal(value);
      if (id === undefined || id <= 0)
        return new ErrorReply('ERR client-id should be greater than 0');
      filter.id = id;
    } else if (option === 'addr') filter.addr = value;
    else if (option === 'laddr') filter.laddr = value;
    else if (option === 'type') {
      if (!CLIENT_TYPES.has(value.toLowerCase()))
        return new ErrorReply(`ERR Unknown client type '${value}'`);
      filter.type = value.toLowerCase();
    } else if (option === 'user') {
      if (value !== 'default') return new ErrorReply(`ERR No such user '${value}'`);
    } else if (option === 'skipme') {
      if (value.toLowerCase() !== 'yes' && value.toLowerCase() !== 'no') return SYNTAX;
      filter.skipMe = value.toLowerCase() === 'yes';
    } else return SYNTAX;
  }
  return filter;
}

function matches(session: ClientSession, filter: KillFilter): boolean {
  if (filter.id !== undefined && session.id !== filter.id) return false;
  if (filter.addr !== undefined && session.connection.remoteAddress !== filter.addr) return false;
  if (filter.laddr !== undefined && session.connection.localAddress !== filter.laddr) return false;
  return filter.type === undefined || filter.type === 'normal';
}

/** CLIENT KILL addr (old form: +OK or an error) | CLIENT KILL <filter value> ... (a count). */
function clientKill(ctx: SessionContext, args: readonly string[]): Reply {
  const oldForm = args.length === 3;
  const filter: KillFilter | ErrorReply = oldForm
    ? { addr: args[2] ?? '', skipMe: false }
    : parseKillFilter(args);
  if (filter instanceof ErrorReply) return filter;
  let killed = 0;
  for (const session of [...ctx.server.clients.values()]) {
    if (!matches(session, filter)) continue;
    if (session === ctx.session) {
      if (filter.skipMe) continue;
      // Our own connection closes after this reply is written, as Redis' CLOSE_AFTER_REPLY.
      session.closeAfterReply = true;
    } else {
      // A command held by CLIENT PAUSE is given up unrun and unanswered (Redis frees the
      // client at once); the connection closes once that empty reply settles.
      if (ctx.server.pause.drop(session)) session.repliesToSkip = REPLIES_OFF;
      session.connection.close();
    }
    killed++;
  }
  if (!oldForm) return killed;
  return killed === 0 ? new ErrorReply('ERR No such client') : OK;
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value */
function clientSetinfo(ctx: SessionContext, args: readonly string[]): Reply {
  const attribute = args[2] ?? '';
  const value = args[3] ?? '';
  const which = attribute.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver')
    return new ErrorReply(`ERR Unrecognized option '${attribute}'`);
  if (!isValidClientName(value))
    return new ErrorReply(`ERR ${which} cannot contain spaces, newlines or special characters.`);
  if (which === 'lib-name') ctx.session.libName = value;
  else ctx.session.libVersion = value;
  return OK;
}

const BAD_CLIENT_ID = new ErrorReply(
  'ERR client session id must be an integer from 1 to 9007199254740991, or OFF',
);

/**
 * CLIENT SESSION [client-id | OFF]: with an id, SEQ-wrapped writes of this connection carry it
 * (any connection, to any node, may use the same id: that is how a retry after a reconnect
 * finds its cached reply); OFF ends it; no argument answers the id, or null without one.
 */
function clientSession(ctx: SessionContext, args: readonly string[]): Reply {
  const raw = args[2];
  if (raw === undefined)
    return ctx.session.clientSessionId === 0 ? null : ctx.session.clientSessionId;
  if (args.length > 3) return SYNTAX;
  if (raw.toLowerCase() === 'off') {
    ctx.session.clientSessionId = 0;
    return OK;
  }
  const id = parseSessionNumber(raw);
  if (id === undefined) return BAD_CLIENT_ID;
  ctx.session.clientSessionId = id;
  return OK;
}

/**
 * CLIENT REPLY ON|OFF|SKIP, as Redis: OFF drops every reply, its own included, until CLIENT REPLY
 * ON, whose OK is written; SKIP drops its own reply and the next command's, and changes nothing
 * under OFF. The protocol layer drops the replies (src/resp/server.ts counts `repliesToSkip`
 * down); errors are dropped too, as Redis does.
 */
function clientReply(ctx: SessionContext, args: readonly string[]): Reply {
  const session = ctx.session;
  switch ((args[2] ?? '').toLowerCase()) {
    case 'on':
      session.repliesToSkip = 0;
      return OK;
    case 'off':
      session.repliesToSkip = REPLIES_OFF;
      return OK;
    case 'skip':
      // This reply and the next; a SKIP that is itself skipped still skips the next one.
      if (session.repliesToSkip !== REPLIES_OFF) session.repliesToSkip = 2;
      return OK;
    default:
      return SYNTAX;
  }
}

/**
 * CLIENT PAUSE timeout [WRITE|ALL]. More than four arguments get Redis' subcommand syntax error
 * (its arity for PAUSE is -3, but clientCommand matches 3 or 4 arguments only).
 */
function clientPause(ctx: SessionContext, args: readonly string[]): Reply {
  if (args.length > 4)
    return new ErrorReply(
      `ERR unknown subcommand or wrong number of arguments for '${(args[1] ?? '').slice(0, 128)}'. Try CLIENT HELP.`,
    );
  return clientPauseCommand(ctx.server.pause, args, ctx.server.clock.nowMs());
}

/** ON|OFF switches we accept and ignore (no eviction or LRU touch exists to opt out of). */
/** CLIENT NO-EVICT / NO-TOUCH: ON or OFF sets the session flag it names. */
const onOff =
  (flag: 'noEvict' | 'noTouch') =>
  (ctx: SessionContext, args: readonly string[]): Reply => {
    const value = (args[2] ?? '').toLowerCase();
    if (value !== 'on' && value !== 'off') return SYNTAX;
    ctx.session[flag] = value === 'on';
    return OK;
  };

const HELP_LINES = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.',
  'LIST [options ...]',
  '    Return information about client connections. Options: TYPE, ID.',
  'NO-EVICT (ON|OFF)',
  'NO-TOUCH (ON|OFF)',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SESSION [<client-id>|OFF]',
  '    Number the writes of this connection for idempotent retries with SEQ (no argument: show the id).',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'HELP',
  '    Print this help.',
].map((line) => new SimpleString(line));

export const clientSubcommands: readonly Spec[] = [
  sub('id', 2, 'Returns the unique client ID of the connection.', '', (ctx) => ctx.session.id),
  {
    ...sub('info', 2, 'Returns information about the connection.', '', (ctx) =>
      listClients(ctx, [ctx.session]),
    ),
    tips: NONDETERMINISTIC,
  },
  {
    ...sub(
      'list',
      -2,
      'Lists open connections.',
      '[TYPE type] [ID client-id ...]',
      clientList,
      ADMIN_FLAGS,
    ),
    tips: NONDETERMINISTIC,
  },
  sub('getname', 2, 'Returns the name of the connection.', '', (ctx) =>
    ctx.session.name === '' ? null : ctx.session.name,
  ),
  sub('setname', 3, 'Sets the connection name.', 'connection-name', (ctx, args) => {
    const name = args[2] ?? '';
    if (!isValidClientName(name)) return NAME_CHARSET_ERROR;
    ctx.session.name = name;
    return OK;
  }),
  sub(
    'session',
    -2,
    'Sets, clears or returns the client session id that SEQ stamps into writes.',
    '[client-id | OFF]',
    clientSession,
  ),
  sub(
    'setinfo',
    4,
    'Sets information specific to the client.',
    'LIB-NAME libname | LIB-VER libver',
    clientSetinfo,
  ),
  sub(
    'kill',
    -3,
    'Terminates open connections.',
    'ip:port | <filter value> ...',
    clientKill,
    ADMIN_FLAGS,
  ),
  sub(
    'no-evict',
    3,
    'Sets the client eviction mode of the connection.',
    'ON | OFF',
    onOff('noEvict'),
    ADMIN_FLAGS,
  ),
  sub(
    'no-touch',
    3,
    'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
    'ON | OFF',
    onOff('noTouch'),
  ),
  sub(
    'reply',
    3,
    'Instructs the server whether to reply to commands.',
    'ON | OFF | SKIP',
    clientReply,
  ),
  sub(
    'pause',
    -3,
    'Suspends commands processing.',
    'timeout [WRITE | ALL]',
    clientPause,
    ADMIN_FLAGS,
  ),
  sub(
    'unpause',
    2,
    'Resumes processing of clients that were paused.',
    '',
    (ctx) => {
      ctx.server.pause.unpause();
      return OK;
    },
    ADMIN_FLAGS,
  ),
  sub('help', 2, 'Returns helpful text about the different subcommands.', '', () => HELP_LINES, [
    'loading',
    'stale',
  ]),
];

export const client = {
  kind: 'session',
  name: 'client',
  arity: -2,
  flags: [],
  categories: ['@slow'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'A container for client connection commands.',
  group: 'connection',
  since: '2.4.0',
  syntax: '<subcommand> [arguments ...]',
  // Unreachable: the dispatcher routes every CLIENT call with a subcommand to it.
  run: (_ctx, args) => UNKNOWN_SUBCOMMAND(args[1] ?? '', 'client'),
  subcommands: clientSubcommands,
} as const satisfies Spec;
