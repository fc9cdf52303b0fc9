import { NOT_INTEGER } from '../errors.js';
import { ErrorReply, OK } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { clampRange, writeList } from './common.js';

export const ltrim = {
  kind: 'data',
  name: 'ltrim',
  arity: 4,
  flags: ['write'],
  categories: ['@write', '@list', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key start stop',
  apply(db, args, env) {
    const start = parseInt64Number(args[2] as string);
    const stop = parseInt64Number(args[3] as string);
    if (start === undefined || stop === undefined) return NOT_INTEGER;
    const key = args[1] as string;
    const list = writeList(db, key, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return OK;
    const range = clampRange(start, stop, list.length);
    if (range === null) {
      db.delete(key);
      return OK;
    }
    const [from, to] = range;
    if (from === 0 && to === list.length - 1) {
      db.changed(key); // Redis signals the key even when nothing was trimmed
      return OK;
    }
    // Pop from the ends: O(removed), no copy when trimming a few elements off a long list.
    const tailCount = list.length - 1 - to;
    for (let i = 0; i < from; i++) list.popFront();
    for (let i = 0; i < tailCount; i++) list.popBack();
    db.changed(key);
    return OK;
  },
} as const satisfies DataCommandSpec;
