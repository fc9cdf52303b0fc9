import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readHash } from './common.js';

export const hlen = {
  kind: 'data',
  name: 'hlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@hash', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Returns the number of fields in a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    return hash?.fields.size ?? 0;
  },
} as const satisfies DataCommandSpec;
