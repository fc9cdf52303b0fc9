/** COMMAND and its subcommands COUNT, INFO, DOCS, LIST, GETKEYS, HELP, all from the table. */
import { ErrorReply, MapReply, SimpleString, type Reply } from '../reply.js';
import { SYNTAX } from '../errors.js';
import type { SessionCommandSpec, SessionHandler } from '../spec.js';
import type { SessionContext } from '../context.js';
import {
  commandDocs,
  commandInfo,
  commandNames,
  findCommand,
  hasKeys,
  keysOf,
  publicCommands,
  type ListFilter,
} from './command-table.js';

type Spec = SessionCommandSpec<SessionContext>;

/** COMMAND INFO tips of the subcommands that list commands (Redis' table order is a hash's). */
const NONDETERMINISTIC_ORDER: readonly string[] = ['nondeterministic_output_order'];

function sub(
  name: string,
  arity: number,
  summary: string,
  syntax: string,
  run: SessionHandler<SessionContext>,
): Spec {
  return {
    kind: 'session',
    name: `command|${name}`,
    arity,
    flags: ['loading', 'stale'],
    categories: ['@slow', '@connection'],
    keys: { first: 0, last: 0, step: 0 },
    summary,
    group: 'server',
    since: '7.0.0',
    syntax,
    run,
  };
}

function info(ctx: SessionContext, args: readonly string[]): Reply {
  const table = ctx.server.table;
  if (args.length === 2) return publicCommands(table).map(commandInfo);
  return args.slice(2).map((name) => {
    const spec = findCommand(table, name);
    return spec === undefined ? null : commandInfo(spec);
  });
}

function docs(ctx: SessionContext, args: readonly string[]): Reply {
  const table = ctx.server.table;
  const specs =
    args.length === 2
      ? publicCommands(table)
      : args.slice(2).flatMap((name) => findCommand(table, name) ?? []);
  return new MapReply(specs.map((spec) => [spec.name, commandDocs(spec)]));
}

function list(ctx: SessionContext, args: readonly string[]): Reply {
  let filter: ListFilter = { kind: 'none' };
  if (args.length === 5 && (args[2] ?? '').toLowerCase() === 'filterby') {
    const kind = (args[3] ?? '').toLowerCase();
    const value = args[4] ?? '';
    if (kind !== 'module' && kind !== 'aclcat' && kind !== 'pattern') return SYNTAX;
    filter = { kind, value };
  } else if (args.length !== 2) {
    return SYNTAX;
  }
  return commandNames(ctx.server.table, filter);
}

function getkeys(ctx: SessionContext, args: readonly string[]): Reply {
  const target = args.slice(2);
  const container = findCommand(ctx.server.table, target[0] ?? '');
  const spec =
    container?.subcommands !== undefined && target.length > 1
      ? findCommand(ctx.server.table, `${container.name}|${target[1]}`)
      : container;
  // Redis' commandGetKeysCommand order: the command, whether it has keys, then its arity.
  if (spec === undefined) return new ErrorReply('ERR Invalid command specified');
  if (!hasKeys(spec)) return new ErrorReply('ERR The command has no key arguments');
  const arity = spec.arity;
  if (arity >= 0 ? target.length !== arity : target.length < -arity)
    return new ErrorReply('ERR Invalid number of arguments specified for command');
  const keys = keysOf(spec, target);
  if (keys === undefined || keys.length === 0)
    return new ErrorReply('ERR Invalid arguments specified for command');
  return keys;
}

const HELP_LINES = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'HELP',
  '    Print this help.',
].map((line) => new SimpleString(line));

export const commandSubcommands: readonly Spec[] = [
  sub(
    'count',
    2,
    'Returns a count of commands.',
    '',
    (ctx) => publicCommands(ctx.server.table).length,
  ),
  {
    ...sub(
      'info',
      -2,
      'Returns information about one, multiple or all commands.',
      '[command-name ...]',
      info,
    ),
    tips: NONDETERMINISTIC_ORDER,
  },
  {
    ...sub(
      'docs',
      -2,
      'Returns documentary information about one, multiple or all commands.',
      '[command-name ...]',
      docs,
    ),
    tips: NONDETERMINISTIC_ORDER,
  },
  {
    ...sub(
      'list',
      -2,
      'Returns a list of command names.',
      '[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]',
      list,
    ),
    tips: NONDETERMINISTIC_ORDER,
  },
  sub(
    'getkeys',
    -3,
    'Extracts the key names from an arbitrary command.',
    'command [arg ...]',
    getkeys,
  ),
  sub('help', 2, 'Returns helpful text about the different subcommands.', '', () => HELP_LINES),
];

export const command = {
  kind: 'session',
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  categories: ['@slow', '@connection'],
  keys: { first: 0, last: 0, step: 0 },
  tips: ['nondeterministic_output_order'],
  summary: 'Returns detailed information about all commands.',
  group: 'server',
  since: '2.8.13',
  syntax: '[subcommand [arguments ...]]',
  run: (ctx) => publicCommands(ctx.server.table).map(commandInfo),
  subcommands: commandSubcommands,
} as const satisfies Spec;
