/**
 * The engine behind ZRANGE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX and
 * ZREVRANGEBYLEX, following Redis' zrangeGenericCommand: options first (syntax errors, LIMIT
 * integers), then the option combinations, then min/max, then the key.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import {
  lexGteMin,
  lexLteMax,
  NO_NODE,
  scoreGteMin,
  scoreLteMax,
  type LexRange,
  type ScoreRange,
  type SortedSet,
  type ZNodeHandle,
} from '../../store/zset.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { DoubleReply, EMPTY_ARRAY, ErrorReply, PairsReply, type Reply } from '../reply.js';
import { isKeyword } from '../collections/args.js';
import { parseInt64Number } from '../../store/numbers.js';
import { clampRange } from '../lists/common.js';
import {
  MIN_MAX_NOT_FLOAT,
  MIN_MAX_NOT_LEX,
  parseLexRange,
  parseScoreRange,
  readZSet,
} from './common.js';

export const LIMIT_NEEDS_BY = new ErrorReply(
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
);
export const WITHSCORES_WITH_BYLEX = new ErrorReply(
  'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
);

export type RangeType = 'auto' | 'rank' | 'score' | 'lex';
export type Direction = 'auto' | 'forward' | 'reverse';

interface RangeOptions {
  type: RangeType;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1: no limit. */
  limit: number;
}

export function zrangeGeneric(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  type: RangeType,
  direction: Direction,
): Reply {
  const options = parseOptions(args, type, direction);
  if (options instanceof ErrorReply) return options;
  const swap = options.reverse && options.type !== 'rank';
  const minText = args[swap ? 3 : 2] as string;
  const maxText = args[swap ? 2 : 3] as string;
  let select: ((zset: SortedSet) => ZNodeHandle[]) | ErrorReply;
  if (options.type === 'score') {
    const range = parseScoreRange(minText, maxText);
    select = range === undefined ? MIN_MAX_NOT_FLOAT : (zset) => byScore(zset, range, options);
  } else if (options.type === 'lex') {
    const range = parseLexRange(minText, maxText);
    select = range === undefined ? MIN_MAX_NOT_LEX : (zset) => byLex(zset, range, options);
  } else {
    const start = parseInt64Number(minText);
    const stop = parseInt64Number(maxText);
    select =
      start === undefined || stop === undefined
        ? NOT_INTEGER
        : (zset) => byRank(zset, start, stop, options.reverse);
  }
  if (select instanceof ErrorReply) return select;
  const zset = readZSet(db, args[1] as string, env.nowMs);
  if (zset instanceof ErrorReply) return zset;
  if (zset === undefined) return EMPTY_ARRAY;
  return replyNodes(zset, select(zset), options.withScores);
}

function parseOptions(
  args: readonly string[],
  type: RangeType,
  direction: Direction,
): RangeOptions | ErrorReply {
  const options: RangeOptions = {
    type,
    reverse: direction === 'reverse',
    withScores: false,
    offset: 0,
    limit: -1,
  };
  for (let j = 4; j < args.length; j++) {
    const arg = args[j] as string;
    if (isKeyword(arg, 'WITHSCORES')) {
      options.withScores = true;
    } else if (isKeyword(arg, 'LIMIT') && args.length - j - 1 >= 2) {
      const offset = parseInt64Number(args[j + 1] as string);
      const limit = parseInt64Number(args[j + 2] as string);
      if (offset === undefined || limit === undefined) return NOT_INTEGER;
      options.offset = offset;
      options.limit = limit;
      j += 2;
    } else if (direction === 'auto' && !options.reverse && isKeyword(arg, 'REV')) {
      // Each of REV / BYLEX / BYSCORE may appear once (Redis updates the variable it tests).
      options.reverse = true;
    } else if (options.type === 'auto' && isKeyword(arg, 'BYLEX')) {
      options.type = 'lex';
    } else if (options.type === 'auto' && isKeyword(arg, 'BYSCORE')) {
      options.type = 'score';
    } else {
      return SYNTAX;
    }
  }
  if (options.type === 'auto') options.type = 'rank';
  if (options.limit !== -1 && options.type === 'rank') return LIMIT_NEEDS_BY;
  if (options.withScores && options.type === 'lex') return WITHSCORES_WITH_BYLEX;
  return options;
}

function byRank(zset: SortedSet, start: number, stop: number, reverse: boolean): ZNodeHandle[] {
  const range = clampRange(start, stop, zset.size);
  if (range === null) return [];
  const [from, to] = range;
  const out = new Array<ZNodeHandle>(to - from + 1);
  let node = zset.at(reverse ? zset.size - 1 - from : from);
  for (let i = 0; i < out.length && node !== NO_NODE; i++) {
    out[i] = node;
    node = reverse ? zset.prev(node) : zset.next(node);
  }
  return out;
}

/** Steps past `offset` nodes; a negative offset walks off the end, as in Redis (empty result). */
function skip(zset: SortedSet, node: ZNodeHandle, offset: number, reverse: boolean): ZNodeHandle {
  if (offset < 0) return NO_NODE;
  let at = node;
  for (let i = 0; i < offset && at !== NO_NODE; i++) at = reverse ? zset.prev(at) : zset.next(at);
  return at;
}

function byScore(zset: SortedSet, range: ScoreRange, options: RangeOptions): ZNodeHandle[] {
  const { reverse, offset } = options;
  if (offset > 0 && offset >= zset.size) return [];
  let node = skip(
    zset,
    reverse ? zset.lastInScoreRange(range) : zset.firstInScoreRange(range),
    offset,
    reverse,
  );
  const out: ZNodeHandle[] = [];
  // A negative limit means no limit.
  for (let left = options.limit; node !== NO_NODE && left !== 0; left--) {
    const score = zset.scoreOf(node);
    if (reverse ? !scoreGteMin(score, range) : !scoreLteMax(score, range)) break;
    out.push(node);
    node = reverse ? zset.prev(node) : zset.next(node);
  }
  return out;
}

function byLex(zset: SortedSet, range: LexRange, options: RangeOptions): ZNodeHandle[] {
  const { reverse, offset } = options;
  if (offset > 0 && offset >= zset.size) return [];
  let node = skip(
    zset,
    reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range),
    offset,
    reverse,
  );
  const out: ZNodeHandle[] = [];
  for (let left = options.limit; node !== NO_NODE && left !== 0; left--) {
    const member = zset.memberOf(node);
    if (reverse ? !lexGteMin(member, range.min) : !lexLteMax(member, range.max)) break;
    out.push(node);
    node = reverse ? zset.prev(node) : zset.next(node);
  }
  return out;
}

/** Members, or (member, score) pairs: flat in RESP2, nested in RESP3 (PairsReply). */
export function replyNodes(
  zset: SortedSet,
  nodes: readonly ZNodeHandle[],
  withScores: boolean,
): Reply {
  if (nodes.length === 0) return EMPTY_ARRAY;
  if (!withScores) return nodes.map((node) => zset.memberOf(node));
  const flat = new Array<Reply>(nodes.length * 2);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as ZNodeHandle;
    flat[2 * i] = zset.memberOf(node);
    flat[2 * i + 1] = new DoubleReply(zset.scoreOf(node));
  }
  return new PairsReply(flat);
}
