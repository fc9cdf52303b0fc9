import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readHash } from './common.js';

export const hkeys = {
  kind: 'data',
  name: 'hkeys',
  arity: 2,
  flags: ['readonly'],
  categories: ['@read', '@hash', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output_order'],
  summary: 'Returns all fields in a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    return hash === undefined ? [] : [...hash.fields.keys()];
  },
} as const satisfies DataCommandSpec;
