import type { DataCommandSpec } from '../spec.js';
import { ErrorReply } from '../reply.js';
import { SYNTAX } from '../errors.js';
import { parseAddOrTrim, writeStream, STREAM_KEY, trim } from './common.js';

export const xtrim = {
  kind: 'data',
  name: 'xtrim',
  arity: -4,
  flags: ['write'],
  categories: ['@write', '@stream', '@slow'],
  keys: STREAM_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  tips: ['nondeterministic_output'],
  summary: 'Trims the stream to (approximately if "~" is passed) a certain size.',
  group: 'stream',
  since: '5.0.0',
  syntax: 'key MAXLEN | MINID [= | ~] threshold [LIMIT count]',
  apply(db, args, env) {
    const options = parseAddOrTrim(args, false);
    if (options instanceof ErrorReply) return options;
    if (options.trim === undefined) return SYNTAX;
    const key = args[1] as string;
    const stream = writeStream(db, key, env.nowMs);
    if (stream instanceof ErrorReply) return stream;
    if (stream === undefined) return 0;
    const removed = trim(stream, options.trim);
    if (removed > 0) db.changed(key);
    return removed;
  },
} as const satisfies DataCommandSpec;
