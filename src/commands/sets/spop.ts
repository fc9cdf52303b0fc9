import { NOT_POSITIVE, SYNTAX } from '../errors.js';
import { ErrorReply, SetReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import { EMPTY_SET, FIRST_KEY, nth, sampleDistinct } from '../collections/common.js';
import { writeSet } from './common.js';

export const spop = {
  kind: 'data',
  name: 'spop',
  arity: -2,
  flags: ['write', 'fast'],
  categories: ['@write', '@set', '@fast'],
  keys: FIRST_KEY,
  keySpecs: [
    {
      flags: ['RW', 'access', 'delete'],
      begin: { index: 1 },
      find: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ],
  tips: ['nondeterministic_output'],
  summary:
    'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.',
  group: 'set',
  since: '1.0.0',
  syntax: 'key [count]',
  apply(db, args, env) {
    if (args.length > 3) return SYNTAX;
    let count = -1;
    if (args.length === 3) {
      const parsed = parseInt64Number(args[2] as string);
      if (parsed === undefined || parsed < 0) return NOT_POSITIVE;
      count = parsed;
    }
    const key = args[1] as string;
    const set = writeSet(db, key, env.nowMs);
    if (set instanceof ErrorReply) return set;
    if (set === undefined) return count < 0 ? null : EMPTY_SET;
    if (count === 0) return EMPTY_SET;
    const members = set.members;
    let popped: string[];
    if (count < 0) {
      // Uniform choice by env.rng, so every replica pops the same member.
      popped = [nth(members, env.rng.int(members.size)) as string];
    } else if (count >= members.size) {
      popped = [...members];
    } else {
      popped = sampleDistinct([...members], count, env.rng);
    }
    for (const member of popped) members.delete(member);
    if (members.size === 0) db.delete(key);
    else db.changed(key);
    return count < 0 ? (popped[0] ?? null) : new SetReply(popped);
  },
} as const satisfies DataCommandSpec;
