import { ErrorReply, SetReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { EMPTY_SET, FIRST_KEY } from '../collections/common.js';
import { readSet } from './common.js';

export const smembers = {
  kind: 'data',
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  categories: ['@read', '@set', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output_order'],
  summary: 'Returns all members of a set.',
  group: 'set',
  since: '1.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    return set === undefined ? EMPTY_SET : new SetReply([...set.members]);
  },
} as const satisfies DataCommandSpec;
