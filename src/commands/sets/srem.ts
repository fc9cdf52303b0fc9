import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { writeSet } from './common.js';

export const srem = {
  kind: 'data',
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@write', '@set', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary:
    'Removes one or more members from a set. Deletes the set if the last member was removed.',
  group: 'set',
  since: '1.0.0',
  syntax: 'key member [member ...]',
  apply(db, args, env) {
    const key = args[1] as string;
    const set = writeSet(db, key, env.nowMs);
    if (set instanceof ErrorReply) return set;
    if (set === undefined) return 0;
    let removed = 0;
    for (let i = 2; i < args.length; i++) if (set.members.delete(args[i] as string)) removed++;
    if (set.members.size === 0) db.delete(key);
    else if (removed > 0) db.changed(key);
    return removed;
  },
} as const satisfies DataCommandSpec;
