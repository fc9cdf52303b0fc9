import { SetValue } from '../../store/values.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { TWO_KEYS } from '../collections/common.js';
import { writeSet } from './common.js';

export const smove = {
  kind: 'data',
  name: 'smove',
  arity: 4,
  flags: ['write', 'fast'],
  categories: ['@write', '@set', '@fast'],
  keys: TWO_KEYS,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    { flags: ['RW', 'insert'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Moves a member from one set to another.',
  group: 'set',
  since: '1.0.0',
  syntax: 'source destination member',
  apply(db, args, env) {
    const sourceKey = args[1] as string;
    const targetKey = args[2] as string;
    const member = args[3] as string;
    const source = writeSet(db, sourceKey, env.nowMs);
    const target = writeSet(db, targetKey, env.nowMs);
    // Redis answers 0 for a missing source before it checks the destination's type.
    if (source === undefined) return 0;
    if (source instanceof ErrorReply) return source;
    if (target instanceof ErrorReply) return target;
    if (source === target) return source.members.has(member) ? 1 : 0;
    if (!source.members.delete(member)) return 0;
    if (source.members.size === 0) db.delete(sourceKey);
    else db.changed(sourceKey);
    if (target === undefined) {
      const created = new SetValue();
      created.members.add(member);
      db.put(targetKey, created);
    } else {
      target.members.add(member);
      db.changed(targetKey);
    }
    return 1;
  },
} as const satisfies DataCommandSpec;
