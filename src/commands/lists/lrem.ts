import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeList } from './common.js';

export const lrem = {
  kind: 'data',
  name: 'lrem',
  arity: 4,
  flags: ['write'],
  categories: ['@write', '@list', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Removes elements from a list. Deletes the list if the last element was removed.',
  group: 'list',
  since: '1.0.0',
  syntax: 'key count element',
  apply(db, args, env) {
    const count = parseInt64Number(args[2] as string);
    if (count === undefined) return NOT_INTEGER;
    const key = args[1] as string;
    const list = writeList(db, key, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return 0;
    const element = args[3] as string;
    // count > 0: first |count| from the head; < 0: from the tail; 0: all.
    const limit = count === 0 ? Infinity : Math.abs(count);
    const items = list.toArray();
    if (count < 0) items.reverse();
    const kept: string[] = [];
    let removed = 0;
    for (const item of items) {
      if (removed < limit && item === element) removed++;
      else kept.push(item);
    }
    if (removed === 0) return 0;
    if (count < 0) kept.reverse();
    if (kept.length === 0) {
      db.delete(key);
    } else {
      list.replaceAll(kept);
      db.changed(key);
    }
    return removed;
  },
} as const satisfies DataCommandSpec;
