import { WRONG_ARITY } from '../errors.js';
import type { DataCommandSpec } from '../spec.js';
import { KEYS_PAIRS } from '../keys/args.js';

/** Sets every pair only if none of the keys exists (1), else nothing (0). */
export const msetnx = {
  kind: 'data',
  name: 'msetnx',
  arity: -3,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEYS_PAIRS,
  keySpecs: [
    { flags: ['OW', 'insert'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 2, limit: 0 } },
  ],
  tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
  summary:
    "Atomically modifies the string values of one or more keys only when all keys don't exist.",
  group: 'string',
  since: '1.0.1',
  syntax: 'key value [key value ...]',
  apply(db, args, env) {
    if (args.length % 2 === 0) return WRONG_ARITY('msetnx');
    for (let i = 1; i < args.length; i += 2) {
      if (db.getForWrite(args[i] as string, env.nowMs) !== undefined) return 0;
    }
    for (let i = 1; i < args.length; i += 2) db.replace(args[i] as string, args[i + 1] as string);
    return 1;
  },
} as const satisfies DataCommandSpec;
