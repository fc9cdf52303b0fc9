import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeHash } from './common.js';

export const hdel = {
  kind: 'data',
  name: 'hdel',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@write', '@hash', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Deletes one or more fields and their values from a hash.',
  group: 'hash',
  since: '2.0.0',
  syntax: 'key field [field ...]',
  apply(db, args, env) {
    const key = args[1] as string;
    const hash = writeHash(db, key, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    if (hash === undefined) return 0;
    let deleted = 0;
    for (let i = 2; i < args.length; i++) if (hash.fields.delete(args[i] as string)) deleted++;
    if (hash.fields.size === 0) db.delete(key);
    else if (deleted > 0) db.changed(key);
    return deleted;
  },
} as const satisfies DataCommandSpec;
