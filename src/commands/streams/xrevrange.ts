import type { DataCommandSpec } from '../spec.js';
import { STREAM_KEY } from './common.js';
import { rangeReply } from './range.js';

export const xrevrange = {
  kind: 'data',
  name: 'xrevrange',
  arity: -4,
  flags: ['readonly'],
  categories: ['@read', '@stream', '@slow'],
  keys: STREAM_KEY,
  summary: 'Return a range of elements in a stream, in reverse order.',
  group: 'stream',
  since: '5.0.0',
  syntax: 'key end start [COUNT count]',
  apply: (db, args, env) => rangeReply(db, args, env.nowMs, true),
} as const satisfies DataCommandSpec;
