/**
 * AI.TENSORGET key [META] [BLOB | VALUES]  (RedisAI)
 * No format: META and BLOB. Replies are arrays in RESP2 and RESP3 (RedisAI builds them with
 * ReplyWithArray); float VALUES are doubles (bulk strings in RESP2, `,` in RESP3).
 */
import type { Keyspace } from '../../store/keyspace.js';
import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { EMPTY_KEY, tensorGetArity } from '../../tensor/errors.js';
import {
  GROUP,
  lookup,
  parseFormat,
  READ_CATEGORIES,
  READ_FLAGS,
  redisaiReply,
  SINCE,
} from './common.js';

/**
 * RedisAI's order: the key first (missing, wrong type), then the format. More than four
 * arguments is RedisModule_WrongArity, which names the command as the client typed it.
 */
function apply(db: Keyspace, args: readonly string[], env: { nowMs: number }): Reply {
  if (args.length > 4) return tensorGetArity(args[0] ?? '');
  const tensor = lookup(db, args[1] ?? '', env.nowMs);
  if (tensor === undefined) return EMPTY_KEY;
  if (tensor instanceof ErrorReply) return tensor;
  const format = parseFormat(args.slice(2), false);
  if (format instanceof ErrorReply) return format;
  return redisaiReply(tensor, format);
}

export const aiTensorGet = {
  kind: 'data',
  name: 'ai.tensorget',
  arity: -2,
  flags: READ_FLAGS,
  categories: READ_CATEGORIES,
  keys: { first: 1, last: 1, step: 1 },
  summary: 'Returns a tensor: its metadata, its blob or its values (RedisAI compatible).',
  group: GROUP,
  since: SINCE,
  syntax: 'key [META] [BLOB | VALUES]',
  apply,
} as const satisfies DataCommandSpec;
