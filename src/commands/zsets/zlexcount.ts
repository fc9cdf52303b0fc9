import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { LEX_SCAN_SIZE_MAX, lexLteMax, NO_NODE } from '../../store/zset.js';
import { FIRST_KEY } from '../collections/common.js';
import { MIN_MAX_NOT_LEX, parseLexRange, readZSet } from './common.js';

export const zlexcount = {
  kind: 'data',
  name: 'zlexcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the number of members in a sorted set within a lexicographical range.',
  group: 'sorted-set',
  since: '2.8.9',
  syntax: 'key min max',
  apply(db, args, env) {
    const range = parseLexRange(args[2] as string, args[3] as string);
    if (range === undefined) return MIN_MAX_NOT_LEX;
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    if (zset === undefined) return 0;
    const first = zset.firstInLexRange(range);
    if (first === NO_NODE) return 0;
    if (zset.size <= LEX_SCAN_SIZE_MAX) {
      // As Redis' listpack: count from the first in range while members stay below the max
      // (the same as the rank difference unless scores differ; see firstInLexRange).
      let count = 0;
      for (let x = first; x !== NO_NODE && lexLteMax(zset.memberOf(x), range.max); x = zset.next(x))
        count++;
      return count;
    }
    const last = zset.lastInLexRange(range);
    if (last === NO_NODE) return 0;
    return Math.max(0, zset.rankOfNode(last) - zset.rankOfNode(first) + 1);
  },
} as const satisfies DataCommandSpec;
