import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { readList } from './common.js';

export const llen = {
  kind: 'data',
  name: 'llen',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@list', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Returns the length of a list.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const list = readList(db, args[1] as string, env.nowMs);
    if (list instanceof ErrorReply) return list;
    return list?.length ?? 0;
  },
} as const satisfies DataCommandSpec;
