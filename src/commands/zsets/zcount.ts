import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_NODE } from '../../store/zset.js';
import { FIRST_KEY } from '../collections/common.js';
import { MIN_MAX_NOT_FLOAT, parseScoreRange, readZSet } from './common.js';

export const zcount = {
  kind: 'data',
  name: 'zcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the count of members in a sorted set that have scores within a range.',
  group: 'sorted-set',
  since: '2.0.0',
  syntax: 'key min max',
  apply(db, args, env) {
    const range = parseScoreRange(args[2] as string, args[3] as string);
    if (range === undefined) return MIN_MAX_NOT_FLOAT;
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    if (zset === undefined) return 0;
    const first = zset.firstInScoreRange(range);
    const last = zset.lastInScoreRange(range);
    if (first === NO_NODE || last === NO_NODE) return 0;
    return zset.rankOfNode(last) - zset.rankOfNode(first) + 1;
  },
} as const satisfies DataCommandSpec;
