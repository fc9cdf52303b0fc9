/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the runtime settings (src/config). */
import { globMatch } from '../../store/glob.js';
import { ErrorReply, MapReply, OK, SimpleString, type Reply } from '../reply.js';
import { SYNTAX, UNKNOWN_SUBCOMMAND } from '../errors.js';
import type { AclCategory, CommandFlag, SessionCommandSpec, SessionHandler } from '../spec.js';
import type { SessionContext } from '../context.js';
import type { ConfigParameter } from '../../config/config.js';

type Spec = SessionCommandSpec<SessionContext>;

/** GET, SET, RESETSTAT and REWRITE are admin commands; HELP is not (as in Redis). */
const ADMIN_FLAGS: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const ADMIN_CATEGORIES: readonly AclCategory[] = ['@admin', '@slow', '@dangerous'];

function sub(
  name: string,
  arity: number,
  summary: string,
  syntax: string,
  run: SessionHandler<SessionContext>,
  flags: readonly CommandFlag[] = ADMIN_FLAGS,
): Spec {
  return {
    kind: 'session',
    name: `config|${name}`,
    arity,
    flags,
    categories: flags.includes('admin') ? ADMIN_CATEGORIES : ['@slow'],
    keys: { first: 0, last: 0, step: 0 },
    summary,
    group: 'server',
    since: '2.0.0',
    syntax,
    run,
  };
}

/**
 * CONFIG GET pattern [pattern ...]: matching name/value pairs (a map in RESP3), each parameter
 * once. As Redis' configGetCommand: an argument without glob characters is looked up directly
 * and answered under the name as typed (`MaxMemory`); a pattern answers canonical names.
 */
function configGet(ctx: SessionContext, args: readonly string[]): Reply {
  const config = ctx.server.config;
  const matched = new Map<ConfigParameter, string>();
  for (const pattern of args.slice(2)) {
    if (!/[[*?]/.test(pattern)) {
      const parameter = config.parameter(pattern.toLowerCase());
      if (parameter !== undefined && !matched.has(parameter)) matched.set(parameter, pattern);
      continue;
    }
    for (const parameter of config.all()) {
      if (!matched.has(parameter) && globMatch(pattern, parameter.name, true))
        matched.set(parameter, parameter.name);
    }
  }
  return new MapReply(
    [...matched].map(([parameter, name]): [Reply, Reply] => [name, parameter.get()]),
  );
}

const failed = (name: string, detail: string): ErrorReply =>
  new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${detail}`);

/** CONFIG SET name value [name value ...]: all pairs are checked before any is applied. */
function configSet(ctx: SessionContext, args: readonly string[]): Reply {
  if ((args.length - 2) % 2 !== 0) return SYNTAX;
  const changes: [ConfigParameter, string][] = [];
  const seen = new Set<string>();
  for (let i = 2; i < args.length; i += 2) {
    const name = args[i] ?? '';
    const value = args[i + 1] ?? '';
    const parameter = ctx.server.config.parameter(name.toLowerCase());
    if (parameter === undefined)
      return new ErrorReply(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (seen.has(parameter.name)) return failed(name, 'duplicate parameter');
    seen.add(parameter.name);
    if (parameter.check === undefined || parameter.apply === undefined)
      return failed(name, "can't set immutable config");
    const problem = parameter.check(value);
    if (problem !== undefined) return failed(name, problem);
    changes.push([parameter, value]);
  }
  for (const [parameter, value] of changes) parameter.apply?.(value);
  return OK;
}

const HELP_LINES = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file (not supported: the config file is JSON you edit).',
  'HELP',
  '    Print this help.',
].map((line) => new SimpleString(line));

const NO_CONFIG_FILE = new ErrorReply('ERR The server is running without a config file');
const NO_REWRITE = new ErrorReply(
  'ERR CONFIG REWRITE is not supported: edit the JSON config file instead',
);

export const configSubcommands: readonly Spec[] = [
  sub(
    'get',
    -3,
    'Returns the effective values of configuration parameters.',
    'parameter [parameter ...]',
    configGet,
  ),
  {
    ...sub(
      'set',
      -4,
      'Sets configuration parameters in-flight.',
      'parameter value [parameter value ...]',
      configSet,
    ),
    tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
  },
  sub('resetstat', 2, "Resets the server's statistics.", '', (ctx) => {
    ctx.server.resetStats();
    return OK;
  }),
  sub('rewrite', 2, 'Persists the effective configuration to file.', '', (ctx) =>
    ctx.server.config.configFile === undefined ? NO_CONFIG_FILE : NO_REWRITE,
  ),
  sub('help', 2, 'Returns helpful text about the different subcommands.', '', () => HELP_LINES, [
    'loading',
    'stale',
  ]),
];

export const config = {
  kind: 'session',
  name: 'config',
  arity: -2,
  flags: [],
  categories: ['@slow'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'A container for server configuration commands.',
  group: 'server',
  since: '2.0.0',
  syntax: '<subcommand> [arguments ...]',
  run: (_ctx, args) => UNKNOWN_SUBCOMMAND(args[1] ?? '', 'config'),
  subcommands: configSubcommands,
} as const satisfies Spec;
