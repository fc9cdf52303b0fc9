import type { ListDeque } from '../../store/list.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { EMPTY_ARRAY, ErrorReply, type Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { isKeyword } from '../collections/args.js';
import { parseInt64Number } from '../../store/numbers.js';
import { FIRST_KEY, LONG_RANGE_ERROR, isInt64Min } from '../collections/common.js';
import { readList } from './common.js';

export const RANK_ZERO = new ErrorReply(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
export const COUNT_NEGATIVE = new ErrorReply("ERR COUNT can't be negative");
export const MAXLEN_NEGATIVE = new ErrorReply("ERR MAXLEN can't be negative");

interface LposOptions {
  rank: number;
  /** -1: no COUNT given (reply one index or null); 0: all matches. */
  count: number;
  /** 0: scan the whole list. */
  maxlen: number;
}

export const lpos = {
  kind: 'data',
  name: 'lpos',
  arity: -3,
  flags: ['readonly'],
  categories: ['@read', '@list', '@slow'],
  keys: FIRST_KEY,
  summary: 'Returns the index of matching elements in a list.',
  group: 'list',
  since: '6.0.6',
  syntax: 'key element [RANK rank] [COUNT num-matches] [MAXLEN len]',
  apply(db, args, env) {
    const options = parseOptions(args);
    if (options instanceof ErrorReply) return options;
    const list = readList(db, args[1] as string, env.nowMs);
    if (list instanceof ErrorReply) return list;
    if (list === undefined) return options.count === -1 ? null : EMPTY_ARRAY;
    return search(list, args[2] as string, options);
  },
} as const satisfies DataCommandSpec;

function parseOptions(args: readonly string[]): LposOptions | ErrorReply {
  const options: LposOptions = { rank: 1, count: -1, maxlen: 0 };
  for (let j = 3; j < args.length; j++) {
    const option = args[j] as string;
    const operand = args[j + 1];
    if (operand === undefined) return SYNTAX;
    j++;
    if (isKeyword(option, 'RANK')) {
      const rank = parseInt64Number(operand);
      if (rank === undefined) return NOT_INTEGER;
      if (isInt64Min(operand)) return LONG_RANGE_ERROR;
      if (rank === 0) return RANK_ZERO;
      options.rank = rank;
    } else if (isKeyword(option, 'COUNT')) {
      // Redis reports a non-integer COUNT/MAXLEN with the same message as a negative one.
      const count = parseInt64Number(operand);
      if (count === undefined || count < 0) return COUNT_NEGATIVE;
      options.count = count;
    } else if (isKeyword(option, 'MAXLEN')) {
      const maxlen = parseInt64Number(operand);
      if (maxlen === undefined || maxlen < 0) return MAXLEN_NEGATIVE;
      options.maxlen = maxlen;
    } else {
      return SYNTAX;
    }
  }
  return options;
}

function search(list: ListDeque, element: string, options: LposOptions): Reply {
  const { count, maxlen } = options;
  const backward = options.rank < 0;
  const rank = Math.abs(options.rank);
  const length = list.length;
  const matches: number[] = [];
  let seen = 0;
  for (let scanned = 0; scanned < length && (maxlen === 0 || scanned < maxlen); scanned++) {
    const index = backward ? length - 1 - scanned : scanned;
    if (list.at(index) !== element) continue;
    seen++;
    if (seen < rank) continue;
    if (count === -1) return index;
    matches.push(index);
    if (count !== 0 && matches.length >= count) break;
  }
  return count === -1 ? null : matches;
}
