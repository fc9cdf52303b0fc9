import type { Rng } from '../../shared/effects.js';
import { parseInt64Number } from '../../store/numbers.js';
import type { SortedSet } from '../../store/zset.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { DoubleReply, EMPTY_ARRAY, ErrorReply, PairsReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { isKeyword } from '../collections/args.js';
import {
  FIRST_KEY,
  LONG_RANGE_ERROR,
  RANDOM_COUNT_TOO_LARGE,
  RANDOM_REPLY_ELEMENTS_MAX,
  isInt64Min,
  nth,
  sampleDistinct,
} from '../collections/common.js';
import { readZSet } from './common.js';

const LONG_MAX = 2 ** 63 - 1;

export const zrandmember = {
  kind: 'data',
  name: 'zrandmember',
  arity: -2,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Returns one or more random members from a sorted set.',
  group: 'sorted-set',
  since: '6.2.0',
  syntax: 'key [count [WITHSCORES]]',
  apply(db, args, env) {
    let count = 0;
    let withScores = false;
    if (args.length >= 3) {
      const parsed = parseInt64Number(args[2] as string);
      if (parsed === undefined) return NOT_INTEGER;
      if (isInt64Min(args[2] as string)) return LONG_RANGE_ERROR;
      if (args.length > 4 || (args.length === 4 && !isKeyword(args[3] as string, 'WITHSCORES')))
        return SYNTAX;
      withScores = args.length === 4;
      if (withScores && Math.abs(parsed) > LONG_MAX / 2) return RANDOM_COUNT_TOO_LARGE;
      count = parsed;
    }
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    if (args.length === 2) {
      if (zset === undefined) return null;
      return nth(zset.keys(), env.rng.int(zset.size)) ?? null;
    }
    if (zset === undefined || count === 0) return EMPTY_ARRAY;
    return randomMembers(zset, count, withScores, env.rng);
  },
} as const satisfies DataCommandSpec;

/** count > 0: distinct members; count < 0: |count| members that may repeat (Redis semantics). */
function randomMembers(zset: SortedSet, count: number, withScores: boolean, rng: Rng): Reply {
  // Insertion order, as the member map iterates: the order the picks index.
  const entries = Array.from(zset.keys(), (member): [string, number] => [
    member,
    zset.score(member) ?? 0,
  ]);
  let picked: [string, number][];
  if (count < 0) {
    if (-count > RANDOM_REPLY_ELEMENTS_MAX) return RANDOM_COUNT_TOO_LARGE;
    picked = new Array<[string, number]>(-count);
    for (let i = 0; i < picked.length; i++) {
      picked[i] = entries[rng.int(entries.length)] as [string, number];
    }
  } else {
    picked = count >= entries.length ? entries : sampleDistinct(entries, count, rng);
  }
  if (!withScores) return picked.map(([member]) => member);
  const flat = new Array<Reply>(picked.length * 2);
  for (let i = 0; i < picked.length; i++) {
    const [member, score] = picked[i] as [string, number];
    flat[2 * i] = member;
    flat[2 * i + 1] = new DoubleReply(score);
  }
  return new PairsReply(flat);
}
