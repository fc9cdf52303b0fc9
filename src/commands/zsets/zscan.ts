import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { EMPTY_SCAN, parseCursor, parseScanOptions, scanPage } from '../collections/scan.js';
import { formatScore, readZSet } from './common.js';

export const zscan = {
  kind: 'data',
  name: 'zscan',
  arity: -3,
  flags: ['readonly'],
  categories: ['@read', '@sortedset', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Iterates over members and scores of a sorted set.',
  group: 'sorted-set',
  since: '2.8.0',
  syntax: 'key cursor [MATCH pattern] [COUNT count]',
  apply(db, args, env) {
    const cursor = parseCursor(args);
    if (cursor instanceof ErrorReply) return cursor;
    const zset = readZSet(db, args[1] as string, env.nowMs);
    if (zset instanceof ErrorReply) return zset;
    if (zset === undefined) return EMPTY_SCAN;
    const options = parseScanOptions(args, false);
    if (options instanceof ErrorReply) return options;
    // Redis sends ZSCAN scores as bulk strings (d2string), in RESP3 too.
    return scanPage(zset, cursor, options, (member, out) => {
      out.push(member, formatScore(zset.score(member) ?? 0));
    });
  },
} as const satisfies DataCommandSpec;
