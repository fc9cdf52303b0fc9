/**
 * The engine behind ZRANGE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX and
 * ZREVRANGEBYLEX, following Redis' zrangeGenericCommand: options first (syntax errors, LIMIT
 * integers), then the option combinations, then min/max, then the key.
 */
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import {
  lexGteMin,
  lexLteMax,
  scoreGteMin,
  scoreLteMax,
  type LexRange,
  type ScoreRange,
  type SortedSet,
  type ZNode,
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
  let select: ((zset: SortedSet) => ZNode[]) | ErrorReply;
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
  return replyNodes(select(zset), options.withScores);
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

function byRank(zset: SortedSet, start: number, stop: number, reverse: boolean): ZNode[] {
  const range = clampRange(start, stop, zset.size);
  if (range === null) return [];
  const [from, to] = range;
  const out = new Array<ZNode>(to - from + 1);
  let node = zset.at(reverse ? zset.size - 1 - from : from);
  for (let i = 0; i < out.length && node !== null; i++) {
    out[i] = node;
    node = reverse ? node.backward : node.forward();
  }
  return out;
}

/** Steps past `offset` nodes; a negative offset walks off the end, as in Redis (empty result). */
function skip(node: ZNode | null, offset: number, reverse: boolean): ZNode | null {
  if (offset < 0) return null;
  let at = node;
  for (let i = 0; i < offset && at !== null; i++) at = reverse ? at.backward : at.forward();
  return at;
}

function byScore(zset: SortedSet, range: ScoreRange, options: RangeOptions): ZNode[] {
  const { reverse, offset } = options;
  if (offset > 0 && offset >= zset.size) return [];
  let node = skip(
    reverse ? zset.lastInScoreRange(range) : zset.firstInScoreRange(range),
    offset,
    reverse,
  );
  const out: ZNode[] = [];
  // A negative limit means no limit.
  for (let left = options.limit; node !== null && left !== 0; left--) {
    if (reverse ? !scoreGteMin(node.score, range) : !scoreLteMax(node.score, range)) break;
    out.push(node);
    node = reverse ? node.backward : node.forward();
  }
  return out;
}

function byLex(zset: SortedSet, range: LexRange, options: RangeOptions): ZNode[] {
  const { reverse, offset } = options;
  if (offset > 0 && offset >= zset.size) return [];
  let node = skip(
    reverse ? zset.lastInLexRange(range) : zset.firstInLexRange(range),
    offset,
    reverse,
  );
  const out: ZNode[] = [];
  for (let left = options.limit; node !== null && left !== 0; left--) {
    if (reverse ? !lexGteMin(node.member, range.min) : !lexLteMax(node.member, range.max)) break;
    out.push(node);
    node = reverse ? node.backward : node.forward();
  }
  return out;
}

/** Members, or (member, score) pairs: flat in RESP2, nested in RESP3 (PairsReply). */
export function replyNodes(nodes: readonly ZNode[], withScores: boolean): Reply {
  if (nodes.length === 0) return EMPTY_ARRAY;
  if (!withScores) return nodes.map((node) => node.member);
  const flat = new Array<Reply>(nodes.length * 2);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as ZNode;
    flat[2 * i] = node.member;
    flat[2 * i + 1] = new DoubleReply(node.score);
  }
  return new PairsReply(flat);
}
