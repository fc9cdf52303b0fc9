import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { writableString } from './common.js';

export const getdel = {
  kind: 'data',
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Returns the string value of a key after deleting the key.',
  group: 'string',
  since: '6.2.0',
  syntax: 'key',
  apply(db, args, env) {
    const key = args[1] as string;
    const value = writableString(db, key, env.nowMs);
    if (value instanceof ErrorReply || value === null) return value;
    db.delete(key);
    return value;
  },
} as const satisfies DataCommandSpec;
