import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { hashToChange, writeHash } from './common.js';

export const hsetnx = {
  kind: 'data',
  name: 'hsetnx',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@hash', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Sets the value of a field in a hash only when the field does not exist.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field value',
  apply(db, args, env) {
    const key = args[1] as string;
    const field = args[2] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    if (existing?.fields.has(field)) return 0;
    hashToChange(db, key, existing).fields.set(field, args[3] as string);
    return 1;
  },
} as const satisfies DataCommandSpec;
