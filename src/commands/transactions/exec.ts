import { MemlayerError } from '../../shared/errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataRequest } from '../executor.js';
import type { SessionCommandSpec } from '../spec.js';
import type { QueuedCommand, SessionContext } from '../context.js';

const WITHOUT_MULTI = new ErrorReply('ERR EXEC without MULTI');
const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');

/**
 * The queued data commands as ONE DataRequest, so the whole transaction is one atomic
 * state-machine step (one Raft entry when replicated). Undefined when there is nothing to apply
 * and nothing to check.
 */
function buildRequest(
  queued: readonly QueuedCommand[],
  watch: DataRequest['watch'],
  numbered: ClientRequestNumber | undefined,
): DataRequest | undefined {
  const commands: (readonly string[])[] = [];
  let write = false;
  for (const command of queued) {
    if (command.run !== undefined) continue;
    commands.push(command.args);
    write ||= command.write;
  }
  if (commands.length === 0 && watch === undefined) return undefined;
  // A numbered transaction that writes is one numbered entry; a read-only one needs no number
  // (it is not in the log), as SEQ with a read.
  if (write && numbered !== undefined)
    return { commands, write, transaction: true, watch, ...numbered };
  return { commands, write, transaction: true, watch, clientId: 0, sequence: 0 };
}

/** (client id, sequence) of a request sent with SEQ under a client session. */
export interface ClientRequestNumber {
  readonly clientId: number;
  readonly sequence: number;
}

/**
 * Session commands queued in the transaction (PING, ECHO, CLIENT SETNAME, ...) do not touch the
 * keyspace; they run after the data commands were applied, and their replies take their
 * places in the EXEC array.
 */
async function mergeReplies(
  ctx: SessionContext,
  queued: readonly QueuedCommand[],
  dataReplies: readonly Reply[],
): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  for (const command of queued) {
    if (command.run === undefined) {
      replies.push(dataReplies[next++] ?? null);
      continue;
    }
    try {
      replies.push(await command.run(ctx, command.args));
    } catch (error) {
      if (!(error instanceof MemlayerError)) throw error;
      replies.push(new ErrorReply(error.resp));
    }
  }
  return replies;
}

function finish(
  ctx: SessionContext,
  queued: readonly QueuedCommand[],
  result: Reply | undefined,
): Reply | Promise<Reply> {
  if (result !== undefined && !Array.isArray(result)) return result; // WATCH abort or an error
  const dataReplies: readonly Reply[] = result ?? [];
  if (dataReplies.length === queued.length) return dataReplies;
  return mergeReplies(ctx, queued, dataReplies);
}

/**
 * Applies the queued commands atomically; a null array if a WATCHed key changed. `numbered`:
 * the transaction is request `sequence` of client session `clientId` (`SEQ n EXEC`), applied
 * at most once however often it is retried.
 */
export function runExec(
  ctx: SessionContext,
  numbered?: ClientRequestNumber,
): Reply | Promise<Reply> {
  const session = ctx.session;
  const queued = session.multi;
  if (queued === undefined) return WITHOUT_MULTI;
  const failed = session.multiFailed;
  const keys = session.watchedKeys;
  const watch = keys === undefined ? undefined : { keys, index: session.watchIndex };
  session.endTransaction();
  if (failed) return EXECABORT;
  session.execQueuedCount = queued.length;
  let reply: Reply | Promise<Reply>;
  try {
    reply = runQueued(ctx, queued, watch, numbered);
  } catch (error) {
    session.execQueuedCount = undefined;
    throw error;
  }
  if (!(reply instanceof Promise)) {
    session.execQueuedCount = undefined;
    return reply;
  }
  return reply.finally(() => {
    session.execQueuedCount = undefined;
  });
}

function runQueued(
  ctx: SessionContext,
  queued: readonly QueuedCommand[],
  watch: DataRequest['watch'],
  numbered: ClientRequestNumber | undefined,
): Reply | Promise<Reply> {
  const request = buildRequest(queued, watch, numbered);
  if (request === undefined) return finish(ctx, queued, undefined);
  const result = ctx.server.executor.execute(request);
  if (result instanceof Promise) return result.then((settled) => finish(ctx, queued, settled));
  return finish(ctx, queued, result);
}

/** EXEC: apply the queued commands atomically; a null array if a WATCHed key changed. */
export const exec = {
  kind: 'session',
  name: 'exec',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
  categories: ['@slow', '@transaction'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'Executes all commands in a transaction.',
  group: 'transactions',
  since: '1.2.0',
  syntax: '',
  run: (ctx) => runExec(ctx),
} as const satisfies SessionCommandSpec<SessionContext>;
