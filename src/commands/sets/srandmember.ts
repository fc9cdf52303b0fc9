import { NOT_INTEGER } from '../errors.js';
import { EMPTY_ARRAY, ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';
import {
  FIRST_KEY,
  LONG_RANGE_ERROR,
  isInt64Min,
  RANDOM_COUNT_TOO_LARGE,
  RANDOM_REPLY_ELEMENTS_MAX,
  nth,
  sampleDistinct,
} from '../collections/common.js';
import { readSet } from './common.js';
import { SYNTAX } from '../errors.js';

export const srandmember = {
  kind: 'data',
  name: 'srandmember',
  arity: -2,
  flags: ['readonly'],
  categories: ['@read', '@set', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Get one or multiple random members from a set',
  group: 'set',
  since: '1.0.0',
  syntax: 'key [count]',
  apply(db, args, env) {
    if (args.length > 3) return SYNTAX;
    let count: number | undefined;
    if (args.length === 3) {
      count = parseInt64Number(args[2] as string);
      if (count === undefined) return NOT_INTEGER;
      if (isInt64Min(args[2] as string)) return LONG_RANGE_ERROR;
    }
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    if (count === undefined) {
      if (set === undefined) return null;
      return nth(set.members, env.rng.int(set.members.size)) ?? null;
    }
    if (set === undefined || count === 0) return EMPTY_ARRAY;
    const members = [...set.members];
    if (count > 0)
      return count >= members.length ? members : sampleDistinct(members, count, env.rng);
    // A negative count: |count| members, each drawn independently (may repeat).
    if (-count > RANDOM_REPLY_ELEMENTS_MAX) return RANDOM_COUNT_TOO_LARGE;
    const out = new Array<string>(-count);
    for (let i = 0; i < out.length; i++) out[i] = members[env.rng.int(members.length)] as string;
    return out;
  },
} as const satisfies DataCommandSpec;
