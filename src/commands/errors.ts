/**
 * Redis' exact error strings. They are a compatibility contract (STYLE.md rule 6): tests pin
 * these bytes, and handlers use these constants instead of writing prose of their own.
 */
import { ErrorReply } from './reply.js';

export const WRONGTYPE = new ErrorReply(
  'WRONGTYPE Operation against a key holding the wrong kind of value',
);
export const SYNTAX = new ErrorReply('ERR syntax error');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const INDEX_OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const NOT_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');
export const INVALID_EXPIRE = (command: string): ErrorReply =>
  new ErrorReply(`ERR invalid expire time in '${command}' command`);
export const WRONG_ARITY = (command: string): ErrorReply =>
  new ErrorReply(`ERR wrong number of arguments for '${command}' command`);
/** As Redis' processCommand: arguments quoted, each followed by a space, 128 bytes at most. */
export const UNKNOWN_COMMAND = (name: string, args: readonly string[]): ErrorReply => {
  let shown = '';
  for (let i = 0; i < args.length && shown.length < 128; i++) {
    shown += `'${(args[i] ?? '').slice(0, 128 - shown.length)}' `;
  }
  return new ErrorReply(
    `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${shown}`,
  );
};
export const UNKNOWN_SUBCOMMAND = (sub: string, command: string): ErrorReply =>
  new ErrorReply(
    `ERR unknown subcommand '${sub.length > 128 ? sub.slice(0, 128) : sub}'. Try ${command.toUpperCase()} HELP.`,
  );
