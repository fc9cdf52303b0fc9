import { SYNTAX } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { isKeyword } from '../collections/args.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeList } from './common.js';

export const linsert = {
  kind: 'data',
  name: 'linsert',
  arity: 5,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@list', '@slow'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Inserts an element before or after another element in a list.',
  group: 'list',
  since: '2.2.0',
  syntax: 'key <BEFORE | AFTER> pivot element',
  apply(db, args, env) {
    const where = args[2] as string;
    const after = isKeyword(where, 'AFTER');
    if (!after && !isKeyword(where, 'BEFORE')) return SYNTAX;
    const key = args[1] as string;
    const list = writeList(db, key, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return 0;
    const pivot = args[3] as string;
    const items = list.toArray();
    const at = items.indexOf(pivot);
    if (at < 0) return -1;
    items.splice(after ? at + 1 : at, 0, args[4] as string);
    list.replaceAll(items);
    db.changed(key);
    return list.length;
  },
} as const satisfies DataCommandSpec;
