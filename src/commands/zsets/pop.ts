/** ZPOPMIN / ZPOPMAX key [count]. */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { NOT_POSITIVE, SYNTAX } from '../errors.js';
import { DoubleReply, EMPTY_ARRAY, ErrorReply, PairsReply, type Reply } from '../reply.js';
import { parseInt64Number } from '../../store/numbers.js';
import { NO_NODE } from '../../store/zset.js';
import { writeZSet } from './common.js';

/**
 * Without a count: a flat [member, score] array in both protocols. With a count: pairs, which
 * RESP3 nests (Redis 7 `use_nested_array`). A missing key or count 0: an empty array.
 */
export function popGeneric(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  max: boolean,
): Reply {
  if (args.length > 3) return SYNTAX;
  let count = -1;
  if (args.length === 3) {
    const parsed = parseInt64Number(args[2] as string);
    if (parsed === undefined || parsed < 0) return NOT_POSITIVE;
    count = parsed;
  }
  const key = args[1] as string;
  const zset = writeZSet(db, key, env.nowMs);
  if (zset instanceof ErrorReply) return zset;
  if (zset === undefined || count === 0) return EMPTY_ARRAY;
  const popped = Math.min(count < 0 ? 1 : count, zset.size);
  const flat = new Array<Reply>(popped * 2);
  for (let i = 0; i < popped; i++) {
    const node = max ? zset.last() : zset.first();
    if (node === NO_NODE) break;
    const member = zset.memberOf(node);
    flat[2 * i] = member;
    flat[2 * i + 1] = new DoubleReply(zset.scoreOf(node));
    zset.delete(member);
  }
  if (zset.size === 0) db.delete(key);
  else db.changed(key);
  return count < 0 ? flat : new PairsReply(flat);
}
