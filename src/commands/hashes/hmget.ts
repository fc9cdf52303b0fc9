import { ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readHash } from './common.js';

export const hmget = {
  kind: 'data',
  name: 'hmget',
  arity: -3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@hash', '@fast'],
  keys: FIRST_KEY,
  summary: 'Returns the values of all fields in a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field [field ...]',
  apply(db, args, env) {
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    const out = new Array<Reply>(args.length - 2);
    for (let i = 2; i < args.length; i++) out[i - 2] = hash?.fields.get(args[i] as string) ?? null;
    return out;
  },
} as const satisfies DataCommandSpec;
