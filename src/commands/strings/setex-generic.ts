import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { ErrorReply, OK } from '../reply.js';
import type { Reply } from '../reply.js';
import { optionExpiry } from '../keys/args.js';

/** SETEX / PSETEX key ttl value: a positive TTL, then the value replaces any other. */
export function setexGeneric(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  unitMs: 1 | 1000,
  command: string,
): Reply {
  const atMs = optionExpiry(args[2] as string, unitMs, true, env.nowMs, command);
  if (atMs instanceof ErrorReply) return atMs;
  const key = args[1] as string;
  db.replace(key, args[3] as string);
  db.setExpiry(key, atMs);
  return OK;
}
