import { DoubleReply, ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readZSet } from './common.js';

export const zmscore = {
  kind: 'data',
  name: 'zmscore',
  arity: -3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the score of one or more members in a sorted set.',
  group: 'sorted-set',
  since: '6.2.0',
  syntax: 'key member [member ...]',
  apply(db, args, env) {
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    const out = new Array<Reply>(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const score = zset?.score(args[i] as string);
      out[i - 2] = score === undefined ? null : new DoubleReply(score);
    }
    return out;
  },
} as const satisfies DataCommandSpec;
