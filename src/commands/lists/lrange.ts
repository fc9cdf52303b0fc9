import { NOT_INTEGER } from '../errors.js';
import { EMPTY_ARRAY, ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { clampRange, readList } from './common.js';

export const lrange = {
  kind: 'data',
  name: 'lrange',
  arity: 4,
  flags: ['readonly'],
  categories: ['@read', '@list', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns a range of elements from a list.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key start stop',
  apply(db, args, env) {
    const start = parseInt64Number(args[2] as string);
    const stop = parseInt64Number(args[3] as string);
    if (start === undefined || stop === undefined) return NOT_INTEGER;
    const list = readList(db, args[1] as string, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return EMPTY_ARRAY;
    const range = clampRange(start, stop, list.length);
    return range === null ? EMPTY_ARRAY : list.range(range[0], range[1]);
  },
} as const satisfies DataCommandSpec;
