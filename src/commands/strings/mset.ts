import { WRONG_ARITY } from '../errors.js';
import { OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEYS_PAIRS } from '../keys/args.js';

export const mset = {
  kind: 'data',
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEYS_PAIRS,
  keySpecs: [
    { flags: ['OW', 'update'], begin: { index: 1 }, find: { lastKey: -1, keyStep: 2, limit: 0 } },
  ],
  tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
  summary: 'Atomically creates or modifies the string values of one or more keys.',
  group: 'string',
  since: '1.0.1',
  syntax: 'key value [key value ...]',
  apply(db, args) {
    if (args.length % 2 === 0) return WRONG_ARITY('mset');
    for (let i = 1; i < args.length; i += 2) db.replace(args[i] as string, args[i + 1] as string);
    return OK;
  },
} as const satisfies DataCommandSpec;
