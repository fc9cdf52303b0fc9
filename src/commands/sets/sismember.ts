import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readSet } from './common.js';

export const sismember = {
  kind: 'data',
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@set', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Determines whether a member belongs to a set.',
  group: 'set',
  since: '1.0.0',
  syntax: 'key member',
  apply(db, args, env) {
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    return set?.members.has(args[2] as string) ? 1 : 0;
  },
} as const satisfies DataCommandSpec;
