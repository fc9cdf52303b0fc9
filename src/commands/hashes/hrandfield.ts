import type { Rng } from '../../shared/effects.js';
import type { HashValue } from '../../store/values.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { EMPTY_ARRAY, ErrorReply, PairsReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { isKeyword } from '../collections/args.js';
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
import { readHash } from './common.js';

const LONG_MAX = 2 ** 63 - 1;

export const hrandfield = {
  kind: 'data',
  name: 'hrandfield',
  arity: -2,
  flags: ['readonly'],
  categories: ['@read', '@hash', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Returns one or more random fields from a hash.',
  group: 'hash',
  since: '6.2.0',
  syntax: 'key [count [WITHVALUES]]',
  apply(db, args, env) {
    let count = 0;
    let withValues = false;
    if (args.length >= 3) {
      const parsed = parseInt64Number(args[2] as string);
      if (parsed === undefined) return NOT_INTEGER;
      if (isInt64Min(args[2] as string)) return LONG_RANGE_ERROR;
      if (args.length > 4 || (args.length === 4 && !isKeyword(args[3] as string, 'WITHVALUES')))
        return SYNTAX;
      withValues = args.length === 4;
      if (withValues && Math.abs(parsed) > LONG_MAX / 2) return RANDOM_COUNT_TOO_LARGE;
      count = parsed;
    }
    const hash = readHash(db, args[1] as string, env.nowMs);
    if (hash instanceof ErrorReply) return hash;
    if (args.length === 2) {
      if (hash === undefined) return null;
      return nth(hash.fields.keys(), env.rng.int(hash.fields.size)) ?? null;
    }
    if (hash === undefined || count === 0) return EMPTY_ARRAY;
    return randomFields(hash, count, withValues, env.rng);
  },
} as const satisfies DataCommandSpec;

/** count > 0: distinct fields; count < 0: |count| fields that may repeat (Redis semantics). */
function randomFields(hash: HashValue, count: number, withValues: boolean, rng: Rng): Reply {
  const entries = [...hash.fields];
  let picked: [string, string][];
  if (count < 0) {
    if (-count > RANDOM_REPLY_ELEMENTS_MAX) return RANDOM_COUNT_TOO_LARGE;
    picked = new Array<[string, string]>(-count);
    for (let i = 0; i < picked.length; i++) {
      picked[i] = entries[rng.int(entries.length)] as [string, string];
    }
  } else {
    picked = count >= entries.length ? entries : sampleDistinct(entries, count, rng);
  }
  if (!withValues) return picked.map(([field]) => field);
  const flat = new Array<Reply>(picked.length * 2);
  for (let i = 0; i < picked.length; i++) {
    const [field, value] = picked[i] as [string, string];
    flat[2 * i] = field;
    flat[2 * i + 1] = value;
  }
  return new PairsReply(flat);
}
