import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { readString } from './common.js';

export const strlen = {
  kind: 'data',
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Returns the length of a string value.',
  group: 'string',
  since: '2.2.0',
  syntax: 'key',
  apply(db, args, env) {
    const value = readString(db, args[1] as string, env.nowMs);
    if (value instanceof ErrorReply) return value;
    return value === null ? 0 : value.length;
  },
} as const satisfies DataCommandSpec;
