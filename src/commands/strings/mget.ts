import type { Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEYS_ALL } from '../keys/args.js';

/** A key holding another kind answers null, not an error (as Redis). */
export const mget = {
  kind: 'data',
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@string', '@fast'],
  keys: KEYS_ALL,
  tips: ['request_policy:multi_shard'],
  summary: 'Atomically returns the string values of one or more keys.',
  group: 'string',
  since: '1.0.0',
  syntax: 'key [key ...]',
  apply(db, args, env) {
    const values: Reply[] = new Array<Reply>(args.length - 1);
    for (let i = 1; i < args.length; i++) {
      const value = db.get(args[i] as string, env.nowMs);
      values[i - 1] = typeof value === 'string' ? value : null;
    }
    return values;
  },
} as const satisfies DataCommandSpec;
