import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';

export const setnx = {
  kind: 'data',
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    { flags: ['OW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Set the string value of a key only when the key does not exist.',
  group: 'string',
  since: '1.0.0',
  syntax: 'key value',
  apply(db, args, env) {
    const key = args[1] as string;
    if (db.getForWrite(key, env.nowMs) !== undefined) return 0;
    db.replace(key, args[2] as string);
    return 1;
  },
} as const satisfies DataCommandSpec;
