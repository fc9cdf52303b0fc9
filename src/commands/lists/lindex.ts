import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { readList } from './common.js';

export const lindex = {
  kind: 'data',
  name: 'lindex',
  arity: 3,
  flags: ['readonly'],
  categories: ['@read', '@list', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns an element from a list by its index.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key index',
  apply(db, args, env) {
    // Redis looks the key up before it parses the index.
    const list = readList(db, args[1] as string, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return null;
    const index = parseInt64Number(args[2] as string);
    if (index === undefined) return NOT_INTEGER;
    return list.at(index < 0 ? list.length + index : index) ?? null;
  },
} as const satisfies DataCommandSpec;
