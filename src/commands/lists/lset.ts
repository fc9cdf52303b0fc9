import { INDEX_OUT_OF_RANGE, NOT_INTEGER, NO_SUCH_KEY } from '../errors.js';
import { ErrorReply, OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeList } from './common.js';

export const lset = {
  kind: 'data',
  name: 'lset',
  arity: 4,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@list', '@slow'],
  keys: FIRST_KEY,
  summary: 'Sets the value of an element in a list by its index.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key index element',
  apply(db, args, env) {
    const key = args[1] as string;
    const list = writeList(db, key, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return NO_SUCH_KEY;
    const parsed = parseInt64Number(args[2] as string);
    if (parsed === undefined) return NOT_INTEGER;
    const index = parsed < 0 ? list.length + parsed : parsed;
    if (index < 0 || index >= list.length) return INDEX_OUT_OF_RANGE;
    list.set(index, args[3] as string);
    db.changed(key);
    return OK;
  },
} as const satisfies DataCommandSpec;
