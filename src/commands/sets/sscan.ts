import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { FIRST_KEY } from '../collections/common.js';
import { EMPTY_SCAN, parseCursor, parseScanOptions, scanPage } from '../collections/scan.js';
import { readSet } from './common.js';

export const sscan = {
  kind: 'data',
  name: 'sscan',
  arity: -3,
  flags: ['readonly'],
  categories: ['@read', '@set', '@slow'],
  keys: FIRST_KEY,
  tips: ['nondeterministic_output'],
  summary: 'Iterates over members of a set.',
  group: 'set',
  since: '2.8.0',
  syntax: 'key cursor [MATCH pattern] [COUNT count]',
  apply(db, args, env) {
    const cursor = parseCursor(args);
    if (cursor instanceof ErrorReply) return cursor;
    const set = readSet(db, args[1] as string, env.nowMs);
    if (set instanceof ErrorReply) return set;
    if (set === undefined) return EMPTY_SCAN;
    const options = parseScanOptions(args, false);
    if (options instanceof ErrorReply) return options;
    return scanPage(set.members, cursor, options, (member, out) => out.push(member));
  },
} as const satisfies DataCommandSpec;
