import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readHash } from './common.js';

export const hexists = {
  kind: 'data',
  name: 'hexists',
  arity: 3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@hash', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Determines whether a field exists in a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field',
  apply(db, args, env) {
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    return hash?.fields.has(args[2] as string) ? 1 : 0;
  },
} as const satisfies DataCommandSpec;
