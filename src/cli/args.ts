/**
 * Command-line parsing: `memlayer --help | --version | server [--flag value ...]`. Flags take
 * `--name value` or `--name=value`; their names are the config-file keys (src/config/config.ts).
 * Any mistake is a ConfigError: the caller prints it with the usage hint and exits 2.
 */
import { BOOLEAN_FLAGS, ConfigError, OPTION_NAMES } from '../config/config.js';

export type Invocation =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'server';
      /** Flags in the order given, without `config`. */
      readonly flags: readonly (readonly [string, string])[];
      readonly configFile: string | undefined;
    };

export function parseArgs(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help')
    return { kind: 'help' };
  if (first === '--version' || first === '-v' || first === 'version') return { kind: 'version' };
  if (first !== 'server') throw new ConfigError(`unknown command '${first}'`);
  return parseServerFlags(rest);
}

function parseServerFlags(argv: readonly string[]): Invocation {
  const flags: [string, string][] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    let value: string | undefined = equals === -1 ? undefined : arg.slice(equals + 1);
    if (name !== 'config' && !OPTION_NAMES.includes(name))
      throw new ConfigError(`unknown flag '--${name}'`);
    if (value === undefined && BOOLEAN_FLAGS.includes(name)) value = 'yes';
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new ConfigError(`flag '--${name}' needs a value`);
      i++;
    }
    if (name === 'config') configFile = value;
    else flags.push([name, value]);
  }
  return { kind: 'server', flags, configFile };
}
