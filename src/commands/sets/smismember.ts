import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readSet } from './common.js';

export const smismember = {
  kind: 'data',
  name: 'smismember',
  arity: -3,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@set', '@fast'],
  keys: FIRST_KEY,
  summary: 'Determines whether multiple members belong to a set.',
  group: 'set',
  since: '6.2.0',
  syntax: 'key member [member ...]',
  apply(db, args, env) {
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    const out = new Array<number>(args.length - 2);
    for (let i = 2; i < args.length; i++) out[i - 2] = set?.members.has(args[i] as string) ? 1 : 0;
    return out;
  },
} as const satisfies DataCommandSpec;
