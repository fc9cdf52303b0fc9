/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX | XX | GT | LT] with Redis'
 * expireGenericCommand order: options, then the number, then the key. A time already past
 * deletes the key (and answers 1), as on a Redis master.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { ErrorReply } from '../reply.js';
import type { Reply } from '../reply.js';
import { commandExpiry, is } from './args.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

const NX_CONFLICT = new ErrorReply(
  'ERR NX and XX, GT or LT options at the same time are not compatible',
);
const GT_LT_CONFLICT = new ErrorReply('ERR GT and LT options at the same time are not compatible');

function parseFlags(args: readonly string[]): number | ErrorReply {
  let flags = 0;
  for (let i = 3; i < args.length; i++) {
    const option = args[i] as string;
    if (is(option, 'NX')) flags |= NX;
    else if (is(option, 'XX')) flags |= XX;
    else if (is(option, 'GT')) flags |= GT;
    else if (is(option, 'LT')) flags |= LT;
    else return new ErrorReply(`ERR Unsupported option ${option}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) return NX_CONFLICT;
  if (flags & GT && flags & LT) return GT_LT_CONFLICT;
  return flags;
}

/** Whether the flags allow replacing `currentMs` (undefined: no TTL, i.e. infinite) by `atMs`. */
function allowed(flags: number, currentMs: number | undefined, atMs: number): boolean {
  if (flags & NX && currentMs !== undefined) return false;
  if (flags & XX && currentMs === undefined) return false;
  if (flags & GT && (currentMs === undefined || atMs <= currentMs)) return false;
  if (flags & LT && currentMs !== undefined && atMs >= currentMs) return false;
  return true;
}

export function expireGeneric(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  unitMs: 1 | 1000,
  absolute: boolean,
  command: string,
): Reply {
  const flags = parseFlags(args);
  if (flags instanceof ErrorReply) return flags;
  const atMs = commandExpiry(args[2] as string, unitMs, absolute ? 0 : env.nowMs, command);
  if (atMs instanceof ErrorReply) return atMs;
  const key = args[1] as string;
  if (db.getForWrite(key, env.nowMs) === undefined) return 0;
  if (flags !== 0 && !allowed(flags, db.expiresAt(key), atMs)) return 0;
  if (atMs <= env.nowMs) db.delete(key);
  else db.setExpiry(key, atMs);
  return 1;
}
