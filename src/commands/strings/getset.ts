import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { writableString } from './common.js';

export const getset = {
  kind: 'data',
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    {
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Returns the previous string value of a key after setting it to a new value.',
  group: 'string',
  since: '1.0.0',
  syntax: 'key value',
  apply(db, args, env) {
    const key = args[1] as string;
    const old = writableString(db, key, env.nowMs);
    if (old instanceof ErrorReply) return old;
    db.replace(key, args[2] as string);
    return old;
  },
} as const satisfies DataCommandSpec;
