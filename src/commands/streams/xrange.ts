import type { DataCommandSpec } from '../spec.js';
import { STREAM_KEY } from './common.js';
import { rangeReply } from './range.js';

export const xrange = {
  kind: 'data',
  name: 'xrange',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@stream', '@slow'],
  keys: STREAM_KEY,
  summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval.',
  group: 'stream',
  since: '5.0.0',
  syntax: 'key start end [COUNT count]',
  apply: (db, args, env) => rangeReply(db, args, env.nowMs, false),
} as const satisfies DataCommandSpec;
