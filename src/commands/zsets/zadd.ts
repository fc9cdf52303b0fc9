import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { SortedSet } from '../../store/zset.js';
import { NOT_FLOAT, SYNTAX } from '../errors.js';
import { DoubleReply, ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseStrictDouble } from '../collections/strtod.js';
import { isKeyword } from '../collections/args.js';
import { FIRST_KEY } from '../collections/common.js';
import { SCORE_NAN, writeZSet } from './common.js';

export const XX_AND_NX = new ErrorReply(
  'ERR XX and NX options at the same time are not compatible',
);
export const GT_LT_NX = new ErrorReply(
  'ERR GT, LT, and/or NX options at the same time are not compatible',
);
export const INCR_SINGLE_PAIR = new ErrorReply(
  'ERR INCR option supports a single increment-element pair',
);

export interface ZAddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

export const zadd = {
  kind: 'data',
  name: 'zadd',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary:
    "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]',
  apply(db, args, env) {
    const flags: ZAddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
    let at = 2;
    for (; at < args.length; at++) if (!readFlag(args[at] as string, flags)) break;
    const pairs = args.length - at;
    if (pairs === 0 || pairs % 2 !== 0) return SYNTAX;
    if (flags.nx && flags.xx) return XX_AND_NX;
    if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) return GT_LT_NX;
    if (flags.incr && pairs > 2) return INCR_SINGLE_PAIR;
    const scores = new Array<number>(pairs / 2);
    for (let j = 0; j < scores.length; j++) {
      const score = parseStrictDouble(args[at + 2 * j] as string);
      if (score === undefined) return NOT_FLOAT;
      scores[j] = score;
    }
    return addScores(db, args, at, scores, flags, env);
  },
} as const satisfies DataCommandSpec;

/**
 * ZADD options are any of NX XX GT LT CH INCR, in any case and order, before the first score.
 * Compared without allocating: ZADD is a redis-benchmark hot path.
 */
function readFlag(arg: string, flags: ZAddFlags): boolean {
  if (arg.length === 2) {
    if (isKeyword(arg, 'NX')) return (flags.nx = true);
    if (isKeyword(arg, 'XX')) return (flags.xx = true);
    if (isKeyword(arg, 'GT')) return (flags.gt = true);
    if (isKeyword(arg, 'LT')) return (flags.lt = true);
    if (isKeyword(arg, 'CH')) return (flags.ch = true);
    return false;
  }
  return isKeyword(arg, 'INCR') && (flags.incr = true);
}

/**
 * Applies validated (score, member) pairs (members at args[at + 1], args[at + 3], ...), as
 * Redis' zsetAdd loop. Shared with ZINCRBY, which is ZADD INCR.
 */
export function addScores(
  db: Keyspace,
  args: readonly string[],
  at: number,
  scores: readonly number[],
  flags: ZAddFlags,
  env: ApplyEnv,
): Reply {
  const key = args[1] as string;
  const existing = writeZSet(db, key, env.nowMs);
  if (existing instanceof ErrorReply) return existing;
  if (existing === undefined && flags.xx) return flags.incr ? null : 0;
  const zset = existing ?? new SortedSet();
  let added = 0;
  let updated = 0;
  let processed = 0;
  let last = 0;
  for (let j = 0; j < scores.length; j++) {
    const member = args[at + 2 * j + 1] as string;
    let score = scores[j] as number;
    const current = zset.score(member);
    if (current === undefined) {
      if (flags.xx) continue;
    } else {
      if (flags.nx) continue;
      if (flags.incr) {
        score += current;
        if (Number.isNaN(score)) return SCORE_NAN;
      }
      if ((flags.lt && score >= current) || (flags.gt && score <= current)) continue;
    }
    zset.set(member, score);
    processed++;
    last = score;
    if (current === undefined) added++;
    else if (current !== score) updated++;
  }
  if (existing === undefined) {
    if (zset.size > 0) db.put(key, zset);
  } else if (added + updated > 0) {
    db.changed(key);
  }
  if (flags.incr) return processed > 0 ? new DoubleReply(last) : null;
  return flags.ch ? added + updated : added;
}
