import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readZSet } from './common.js';

export const zcard = {
  kind: 'data',
  name: 'zcard',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Returns the number of members in a sorted set.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key',
  apply(db, args, env) {
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    return zset?.size ?? 0;
  },
} as const satisfies DataCommandSpec;
