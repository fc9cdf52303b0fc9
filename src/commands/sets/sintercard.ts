import { SYNTAX } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { NO_KEYS } from '../spec.js';
import { isKeyword } from '../collections/args.js';
import { parseInt64Number } from '../../store/numbers.js';
import { intersect, readSets } from './common.js';

export const NUMKEYS_NOT_POSITIVE = new ErrorReply('ERR numkeys should be greater than 0');
export const NUMKEYS_TOO_LARGE = new ErrorReply(
  "ERR Number of keys can't be greater than number of args",
);
export const LIMIT_NEGATIVE = new ErrorReply("ERR LIMIT can't be negative");

export const sintercard = {
  kind: 'data',
  name: 'sintercard',
  arity: -3,
  flags: ['readonly', 'movablekeys'],
  categories: ['@read', '@set', '@slow'],
  // Keys follow numkeys (movable), so the legacy key spec is empty, as Redis reports it.
  keys: NO_KEYS,
  keySpecs: [
    {
      flags: ['RO', 'access'],
      begin: { index: 1 },
      find: { keyNumIndex: 0, firstKey: 1, keyStep: 1 },
    },
  ],
  summary: 'Returns the number of members of the intersect of multiple sets.',
  group: 'set',
  since: '7.0.0',
  syntax: 'numkeys key [key ...] [LIMIT limit]',
  apply(db, args, env) {
    const numkeys = parseInt64Number(args[1] as string);
    if (numkeys === undefined || numkeys <= 0) return NUMKEYS_NOT_POSITIVE;
    if (numkeys > args.length - 2) return NUMKEYS_TOO_LARGE;
    let limit = 0;
    for (let j = 2 + numkeys; j < args.length; j++) {
      const operand = args[j + 1];
      if (!isKeyword(args[j] as string, 'LIMIT') || operand === undefined) return SYNTAX;
      const parsed = parseInt64Number(operand);
      if (parsed === undefined || parsed < 0) return LIMIT_NEGATIVE;
      limit = parsed;
      j++;
    }
    const sets = readSets(db, args.slice(2, 2 + numkeys), env.nowMs);
    if (sets instanceof ErrorReply) return sets;
    return intersect(sets, limit === 0 ? Infinity : limit).size;
  },
} as const satisfies DataCommandSpec;
