import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readSet } from './common.js';

export const scard = {
  kind: 'data',
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@set', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Returns the number of members in a set.',
  group: 'set',
  since: '1.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    return set?.members.size ?? 0;
  },
} as const satisfies DataCommandSpec;
