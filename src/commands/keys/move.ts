import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from './args.js';
import { DB_OUT_OF_RANGE, SAME_OBJECT } from './copy.js';
import { parseInt64Number } from '../../store/numbers.js';

const INT_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -2147483648 and 2147483647',
);

/**
 * MOVE key db. memlayer has a single database (0), so MOVE never moves: to db 0 it is Redis'
 * "same object" error, to any other index Redis' "out of range" error (as `databases 1`).
 */
export const move = {
  kind: 'data',
  name: 'move',
  arity: 3,
  flags: ['write', 'fast'],
  categories: ['@keyspace', '@write', '@fast'],
  keys: KEY_1,
  keySpecs: [
    {
      flags: ['RW', 'access', 'update'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  summary: 'Moves a key to another database.',
  group: 'generic',
  since: '1.0.0',
  syntax: 'key db',
  apply(_db, args) {
    const index = parseInt64Number(args[2] as string);
    if (index === undefined) return NOT_INTEGER;
    if (index > 2147483647 || index < -2147483648) return INT_RANGE;
    return index === 0 ? SAME_OBJECT : DB_OUT_OF_RANGE;
  },
} as const satisfies DataCommandSpec;
