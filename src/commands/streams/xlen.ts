import type { DataCommandSpec } from '../spec.js';
import { ErrorReply } from '../reply.js';
import { readStream, STREAM_KEY } from './common.js';

export const xlen = {
  kind: 'data',
  name: 'xlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  categories: ['@read', '@stream', '@fast'],
  keys: STREAM_KEY,
  keySpecs: [{ flags: ['RO'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
  summary: 'Return the number of messages in a stream.',
  group: 'stream',
  since: '5.0.0',
  syntax: 'key',
  apply(db, args, env) {
    const stream = readStream(db, args[1] as string, env.nowMs);
    if (stream instanceof ErrorReply) return stream;
    return stream?.length ?? 0;
  },
} as const satisfies DataCommandSpec;
