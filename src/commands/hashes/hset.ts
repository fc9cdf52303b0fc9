import { WRONG_ARITY } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { hashToChange, writeHash } from './common.js';

export const hset = {
  kind: 'data',
  name: 'hset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@hash', '@fast'],
  keys: FIRST_KEY,
  summary: 'Creates or modifies the value of a field in a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field value [field value ...]',
  apply(db, args, env) {
    if (args.length % 2 !== 0) return WRONG_ARITY('hset');
    const key = args[1] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    const fields = hashToChange(db, key, existing).fields;
    const before = fields.size;
    for (let i = 2; i < args.length; i += 2) fields.set(args[i] as string, args[i + 1] as string);
    return fields.size - before;
  },
} as const satisfies DataCommandSpec;
