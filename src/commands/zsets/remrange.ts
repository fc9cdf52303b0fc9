/**
 * ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX (Redis zremrangeGenericCommand): the
 * range is parsed before the key is looked up; the reply is the number of members removed.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import {
  lexLteMax,
  NO_NODE,
  scoreLteMax,
  type SortedSet,
  type ZNodeHandle,
} from '../../store/zset.js';
import { parseInt64Number } from '../../store/numbers.js';
import { NOT_INTEGER } from '../errors.js';
import { ErrorReply, type Reply } from '../reply.js';
import { clampRange } from '../lists/common.js';
import {
  MIN_MAX_NOT_FLOAT,
  MIN_MAX_NOT_LEX,
  parseLexRange,
  parseScoreRange,
  writeZSet,
} from './common.js';

export type RemoveBy = 'rank' | 'score' | 'lex';

/** The members a range selects, or the parse error. */
function selector(
  args: readonly string[],
  by: RemoveBy,
): ((zset: SortedSet) => string[]) | ErrorReply {
  const minText = args[2] as string;
  const maxText = args[3] as string;
  if (by === 'rank') {
    const start = parseInt64Number(minText);
    const stop = parseInt64Number(maxText);
    if (start === undefined || stop === undefined) return NOT_INTEGER;
    return (zset) => {
      const range = clampRange(start, stop, zset.size);
      return range === null
        ? []
        : walk(zset, zset.at(range[0]), (_, i) => i <= range[1] - range[0]);
    };
  }
  if (by === 'score') {
    const range = parseScoreRange(minText, maxText);
    if (range === undefined) return MIN_MAX_NOT_FLOAT;
    return (zset) =>
      walk(zset, zset.firstInScoreRange(range), (node) => scoreLteMax(zset.scoreOf(node), range));
  }
  const range = parseLexRange(minText, maxText);
  if (range === undefined) return MIN_MAX_NOT_LEX;
  return (zset) =>
    walk(zset, zset.firstInLexRange(range), (node) => lexLteMax(zset.memberOf(node), range.max));
}

/**
 * Members from `first` forward while `keep(node, offset)` holds; members, not handles, as the
 * deletes that follow invalidate handles.
 */
function walk(
  zset: SortedSet,
  first: ZNodeHandle,
  keep: (node: ZNodeHandle, offset: number) => boolean,
): string[] {
  const out: string[] = [];
  for (let node = first; node !== NO_NODE && keep(node, out.length); node = zset.next(node)) {
    out.push(zset.memberOf(node));
  }
  return out;
}

export function removeRange(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  by: RemoveBy,
): Reply {
  const select = selector(args, by);
  if (select instanceof ErrorReply) return select;
  const key = args[1] as string;
  const zset = writeZSet(db, key, env.nowMs);
  if (zset instanceof ErrorReply) return zset;
  if (zset === undefined) return 0;
  const members = select(zset);
  for (const member of members) zset.delete(member);
  if (zset.size === 0) db.delete(key);
  else if (members.length > 0) db.changed(key);
  return members.length;
}
