import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { STRING_BYTES_MAX, STRING_TOO_LONG, writableString } from './common.js';

export const append = {
  kind: 'data',
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
  group: 'string',
  since: '2.0.0',
  syntax: 'key value',
  apply(db, args, env) {
    const key = args[1] as string;
    const suffix = args[2] as string;
    const current = writableString(db, key, env.nowMs);
    if (current instanceof ErrorReply) return current;
    if (current === null) {
      db.put(key, suffix);
      return suffix.length;
    }
    if (current.length + suffix.length > STRING_BYTES_MAX) return STRING_TOO_LONG;
    const next = current + suffix;
    db.put(key, next);
    // Redis appends in place to a raw copy: `raw` whatever the result looks like.
    db.setStringEncoding(key, 'raw');
    return next.length;
  },
} as const satisfies DataCommandSpec;
