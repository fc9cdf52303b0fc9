import { SetValue } from '../../store/values.js';
import { WRONGTYPE } from '../errors.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';

export const sadd = {
  kind: 'data',
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  categories: ['@write', '@set', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    { flags: ['RW', 'insert'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: "Adds one or more members to a set. Creates the key if it doesn't exist.",
  group: 'set',
  since: '1.0.0',
  syntax: 'key member [member ...]',
  apply(db, args, env) {
    const key = args[1] as string;
    const value = db.getForWrite(key, env.nowMs);
    let set: SetValue;
    if (value === undefined) {
      set = new SetValue();
      db.put(key, set);
    } else if (value instanceof SetValue) {
      set = value;
    } else {
      return WRONGTYPE;
    }
    const members = set.members;
    const before = members.size;
    for (let i = 2; i < args.length; i++) members.add(args[i] as string);
    const added = members.size - before;
    if (added > 0 && value !== undefined) db.changed(key);
    return added;
  },
} as const satisfies DataCommandSpec;
