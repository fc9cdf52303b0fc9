import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeZSet } from './common.js';

export const zrem = {
  kind: 'data',
  name: 'zrem',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@write', '@sortedset', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.',
  group: 'sorted-set',
  since: '1.2.0',
  syntax: 'key member [member ...]',
  apply(db, args, env) {
    const key = args[1] as string;
    const zset = writeZSet(db, key, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    if (zset === undefined) return 0;
    let removed = 0;
    for (let i = 2; i < args.length; i++) if (zset.delete(args[i] as string)) removed++;
    if (zset.size === 0) db.delete(key);
    else if (removed > 0) db.changed(key);
    return removed;
  },
} as const satisfies DataCommandSpec;
