/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (Redis lcsCommand): the classic
 * dynamic-programming table, then a walk back from the end that emits matched ranges, so IDX
 * lists matches from the end of the strings backwards, exactly as Redis does. The table needs
 * (|a|+1)(|b|+1) cells of 4 bytes, bounded by proto-max-bulk-len like Redis.
 */
import type { Keyspace } from '../../store/keyspace.js';
import { parseInt64Number } from '../../store/numbers.js';
import { NOT_INTEGER, SYNTAX } from '../errors.js';
import { ErrorReply, MapReply } from '../reply.js';
import type { Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { is, KEYS_1_2 } from '../keys/args.js';
import { STRING_BYTES_MAX } from './common.js';

const NOT_STRINGS = new ErrorReply('ERR The specified keys must contain string values');
const LEN_AND_IDX = new ErrorReply(
  'ERR If you want both the length and indexes, please just use IDX.',
);
const TOO_MUCH_MEMORY = new ErrorReply(
  'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
);

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseOptions(args: readonly string[]): LcsOptions | ErrorReply {
  const options: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < args.length; j++) {
    const option = args[j];
    if (is(option, 'IDX')) options.idx = true;
    else if (is(option, 'LEN')) options.len = true;
    else if (is(option, 'WITHMATCHLEN')) options.withMatchLen = true;
    else if (is(option, 'MINMATCHLEN') && j + 1 < args.length) {
      const value = parseInt64Number(args[++j] as string);
      if (value === undefined) return NOT_INTEGER;
      options.minMatchLen = Math.max(0, value);
    } else return SYNTAX;
  }
  if (options.idx && options.len) return LEN_AND_IDX;
  return options;
}

/** The string at `key`, '' if none, null if it holds another kind. */
function stringAt(db: Keyspace, key: string, nowMs: number): string | null {
  const value = db.get(key, nowMs);
  if (value === undefined) return '';
  return typeof value === 'string' ? value : null;
}

function lcsTable(a: string, b: string): Uint32Array {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const at = i * width + j;
      if (ca === b.charCodeAt(j - 1)) table[at] = (table[at - width - 1] ?? 0) + 1;
      else table[at] = Math.max(table[at - width] ?? 0, table[at - 1] ?? 0);
    }
  }
  return table;
}

/** The walk back of Redis' lcsCommand: the LCS string and the matched ranges. */
function walkBack(a: string, b: string, table: Uint32Array, options: LcsOptions): Reply {
  const width = b.length + 1;
  const cell = (i: number, j: number): number => table[i * width + j] ?? 0;
  const total = cell(a.length, b.length);
  const chars = new Array<string>(total);
  const matches: Reply[] = [];
  let idx = total;
  let aStart = a.length;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a.charAt(i - 1);
      if (aStart === a.length) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (cell(i - 1, j) > cell(i, j - 1)) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (options.minMatchLen === 0 || matchLen >= options.minMatchLen) {
        const match: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (options.withMatchLen) match.push(matchLen);
        matches.push(match);
      }
      aStart = a.length;
    }
  }
  if (options.idx) {
    return new MapReply([
      ['matches', matches],
      ['len', total],
    ]);
  }
  return chars.join('');
}

export const lcs = {
  kind: 'data',
  name: 'lcs',
  arity: -3,
  flags: ['readonly'],
  categories: ['@read', '@string', '@slow'],
  keys: KEYS_1_2,
  summary: 'Finds the longest common substring.',
  group: 'string',
  since: '7.0.0',
  syntax: 'key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]',
  apply(db, args, env) {
    const a = stringAt(db, args[1] as string, env.nowMs);
    const b = stringAt(db, args[2] as string, env.nowMs);
    if (a === null || b === null) return NOT_STRINGS;
    const options = parseOptions(args);
    if (options instanceof ErrorReply) return options;
    if ((a.length + 1) * (b.length + 1) * 4 > STRING_BYTES_MAX) return TOO_MUCH_MEMORY;
    const table = lcsTable(a, b);
    if (options.len) return table[a.length * (b.length + 1) + b.length] ?? 0;
    return walkBack(a, b, table, options);
  },
} as const satisfies DataCommandSpec;
