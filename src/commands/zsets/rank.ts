/** ZRANK / ZREVRANK key member [WITHSCORE] (Redis 7.2 form). */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { SYNTAX, WRONG_ARITY } from '../errors.js';
import { DoubleReply, ErrorReply, NULL_ARRAY, type Reply } from '../reply.js';
import { isKeyword } from '../collections/args.js';
import { readZSet } from './common.js';

export function rankGeneric(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  reverse: boolean,
  name: string,
): Reply {
  if (args.length > 4) return WRONG_ARITY(name);
  const withScore = args.length === 4;
  if (withScore && !isKeyword(args[3] as string, 'WITHSCORE')) return SYNTAX;
  const missing = withScore ? NULL_ARRAY : null;
  const zset = readZSet(db, args[1] as string, env.nowMs);
  if (zset instanceof ErrorReply) return zset;
  if (zset === undefined) return missing;
  const member = args[2] as string;
  const rank = zset.rank(member);
  if (rank === undefined) return missing;
  const position = reverse ? zset.size - 1 - rank : rank;
  return withScore ? [position, new DoubleReply(zset.score(member) ?? 0)] : position;
}
