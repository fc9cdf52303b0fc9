import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { is, KEYS_1_2 } from './args.js';
import { parseInt64Number } from '../../store/numbers.js';

/** memlayer has one database: any DB index but 0 is out of range, as in Redis with `databases 1`. */
export const DB_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');
export const SAME_OBJECT = new ErrorReply('ERR source and destination objects are the same');

export const copy = {
  kind: 'data',
  name: 'copy',
  arity: -3,
  flags: ['write', 'denyoom'],
  categories: ['@keyspace', '@write', '@slow'],
  keys: KEYS_1_2,
  keySpecs: [
    { flags: ['RO', 'access'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
    { flags: ['OW', 'update'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Copies the value of a key to a new key.',
  group: 'generic',
  since: '6.2.0',
  syntax: 'source destination [DB destination-db] [REPLACE]',
  apply(db, args, env) {
    const source = args[1] as string;
    const target = args[2] as string;
    let replace = false;
    for (let i = 3; i < args.length; i++) {
      if (is(args[i], 'REPLACE')) {
        replace = true;
      } else if (is(args[i], 'DB') && i + 1 < args.length) {
        const index = parseInt64Number(args[++i] as string);
        if (index === undefined) return NOT_INTEGER;
        if (index !== 0) return DB_OUT_OF_RANGE;
      } else {
        return SYNTAX;
      }
    }
    if (source === target) return SAME_OBJECT;
    const value = db.get(source, env.nowMs);
    if (value === undefined) return 0;
    if (db.getForWrite(target, env.nowMs) !== undefined) {
      if (!replace) return 0;
      db.delete(target);
    }
    const expiresAtMs = db.expiresAt(source);
    db.put(target, typeof value === 'string' ? value : value.clone());
    if (expiresAtMs !== undefined) db.setExpiry(target, expiresAtMs);
    // Redis' dupStringObject keeps the encoding of the string it copies.
    const encoding = db.stringEncodingOf(source);
    if (encoding !== undefined) db.setStringEncoding(target, encoding);
    return 1;
  },
} as const satisfies DataCommandSpec;
