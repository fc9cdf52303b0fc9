/**
 * SEQ <sequence> <command> [arg ...]: runs one data command as request `sequence` of the
 * connection's client session (CLIENT SESSION <client-id>), so that a retry after an
 * `-UNKNOWN` reply is applied at most once (Raft thesis §6.3, docs/replication.md).
 * `SEQ <sequence> EXEC` (after MULTI ... ) numbers a whole transaction the same way.
 *
 * A write goes into the log carrying (client id, sequence); the state machine applies it only
 * if the sequence is newer than the client's last one, answers a repeat of the last one from
 * the replicated reply cache, and refuses an older one. Reads are never applied twice anyway:
 * they run as if sent without SEQ. Ordinary commands never pass through here, so they pay
 * nothing for sessions.
 */
import { ErrorReply, type Reply } from '../reply.js';
import { UNKNOWN_COMMAND, WRONG_ARITY } from '../errors.js';
import { isWrite, type SessionCommandSpec } from '../spec.js';
import type { SessionContext } from '../context.js';
import { isInternal } from '../server/command-table.js';
import { NOT_ALLOWED_IN_MULTI } from '../dispatcher.js';
import { runExec } from '../transactions/exec.js';

export const NO_CLIENT_SESSION = new ErrorReply(
  'ERR SEQ needs a client session: send CLIENT SESSION <client-id> first',
);
export const BAD_SEQUENCE = new ErrorReply(
  'ERR sequence must be an integer from 1 to 9007199254740991',
);

/** A decimal integer in 1..2^53-1 without sign, spaces or leading zeros; undefined otherwise. */
export function parseSessionNumber(raw: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

function run(ctx: SessionContext, args: readonly string[]): Reply | Promise<Reply> {
  const name = args[2] ?? '';
  const inMulti = ctx.session.multi !== undefined;
  const execNamed = name.toLowerCase() === 'exec';
  if (inMulti && !(execNamed && args.length === 3)) {
    // As a no_multi command in Redis: refused, and the transaction will not run.
    ctx.session.multiFailed = true;
    return NOT_ALLOWED_IN_MULTI;
  }
  const clientId = ctx.session.clientSessionId;
  if (clientId === 0) return NO_CLIENT_SESSION;
  const sequence = parseSessionNumber(args[1] ?? '');
  if (sequence === undefined) return BAD_SEQUENCE;
  if (execNamed && args.length === 3) return runExec(ctx, { clientId, sequence });
  // A private copy: the protocol layer may reuse the argument array after this call.
  const command = args.slice(2);
  const spec = isInternal(name) ? undefined : ctx.server.table.get(name.toLowerCase());
  if (spec === undefined) return UNKNOWN_COMMAND(name, command.slice(1));
  if (spec.kind !== 'data') return new ErrorReply(`ERR SEQ runs data commands only, not '${name}'`);
  const arity = spec.arity;
  if (arity >= 0 ? command.length !== arity : command.length < -arity)
    return WRONG_ARITY(spec.name);
  const executor = ctx.server.executor;
  if (!isWrite(spec)) return executor.executeOne(command, false);
  return executor.execute({
    commands: [command],
    write: true,
    transaction: false,
    watch: undefined,
    clientId,
    sequence,
  });
}

export const seq = {
  kind: 'session',
  name: 'seq',
  arity: -3,
  // Runs at once inside MULTI (dispatcher RUN_IN_MULTI): only `SEQ n EXEC` is allowed there,
  // as the whole transaction is one entry. may_replicate: a WRITE pause holds it back.
  flags: ['noscript', 'movablekeys', 'may_replicate'],
  categories: ['@connection', '@slow'],
  keys: { first: 0, last: 0, step: 0 },
  summary:
    'Runs a data command as a numbered request of the client session: a retry is applied at most once.',
  group: 'connection',
  since: '0.1.0',
  syntax: 'sequence command [arg ...]',
  run,
} as const satisfies SessionCommandSpec<SessionContext>;
