import { WRONG_ARITY } from '../errors.js';
import { ErrorReply, OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { hashToChange, writeHash } from './common.js';

export const hmset = {
  kind: 'data',
  name: 'hmset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@hash', '@fast'],
  keys: FIRST_KEY,
  summary: 'Sets the values of multiple fields.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field value [field value ...]',
  apply(db, args, env) {
    if (args.length % 2 !== 0) return WRONG_ARITY('hmset');
    const key = args[1] as string;
    const existing = writeHash(db, key, env.nowMs);
    if (existing instanceof ErrorReply) return existing;
    const fields = hashToChange(db, key, existing).fields;
    for (let i = 2; i < args.length; i += 2) fields.set(args[i] as string, args[i + 1] as string);
    return OK;
  },
} as const satisfies DataCommandSpec;
