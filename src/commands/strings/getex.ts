import { WRONGTYPE } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { EXAT, expiryOf, parseStringOptions, PERSIST, PXAT } from './options.js';

/** GETEX in Redis' order: syntax, then a missing key (null), type, then the expiry value. */
export const getex = {
  kind: 'data',
  name: 'getex',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@write', '@string', '@fast'],
  keys: KEY_1,
  keySpecs: [
    {
      notes: 'RW and UPDATE because it changes the TTL',
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Returns the string value of a key after setting its expiration time.',
  group: 'string',
  since: '6.2.0',
  syntax:
    'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]',
  apply(db, args, env) {
    const options = parseStringOptions(args, 2, false);
    if (options instanceof ErrorReply) return options;
    const key = args[1] as string;
    const value = db.getForWrite(key, env.nowMs);
    if (value === undefined) return null;
    if (typeof value !== 'string') return WRONGTYPE;
    const atMs = expiryOf(options, env.nowMs, 'getex');
    if (atMs instanceof ErrorReply) return atMs;
    if (options.expiry !== undefined) {
      if (options.flags & (EXAT | PXAT) && atMs <= env.nowMs) db.delete(key);
      else db.setExpiry(key, atMs);
    } else if (options.flags & PERSIST) {
      db.persist(key);
    }
    return value;
  },
} as const satisfies DataCommandSpec;
