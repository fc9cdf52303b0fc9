import { DoubleReply, ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readZSet } from './common.js';

export const zscore = {
  kind: 'data',
  name: 'zscore',
  arity: 3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the score of a member in a sorted set.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key member',
  apply(db, args, env) {
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    const score = zset?.score(args[2] as string);
    return score === undefined ? null : new DoubleReply(score);
  },
} as const satisfies DataCommandSpec;
