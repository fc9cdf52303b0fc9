import type { StreamId } from '../../store/stream.js';
import type { DataCommandSpec } from '../spec.js';
import { ErrorReply } from '../reply.js';
import { writeStream, STREAM_KEY } from './common.js';
import { INVALID_ID, parseId } from './ids.js';

export const xdel = {
  kind: 'data',
  name: 'xdel',
  arity: -3,
  flags: ['write', 'fast'],
  categories: ['@write', '@stream', '@fast'],
  keys: STREAM_KEY,
  keySpecs: [
    { flags: ['RW', 'delete'], begin: { index: 1 }, find: { lastKey: 0, keyStep: 1, limit: 0 } },
  ],
  summary: 'Removes the specified entries from the stream.',
  group: 'stream',
  since: '5.0.0',
  syntax: 'key id [id ...]',
  apply(db, args, env) {
    // As Redis: the key first (missing: 0 whatever the IDs), then every ID is validated
    // before anything is deleted.
    const key = args[1] as string;
    const stream = writeStream(db, key, env.nowMs);
    if (stream instanceof ErrorReply) return stream;
    if (stream === undefined) return 0;
    const ids: StreamId[] = [];
    for (let i = 2; i < args.length; i++) {
      const id = parseId(args[i] as string, 0, false);
      if (id === undefined) return INVALID_ID;
      ids.push(id);
    }
    let deleted = 0;
    for (const id of ids) if (stream.delete(id)) deleted++;
    if (deleted > 0) db.changed(key);
    return deleted;
  },
} as const satisfies DataCommandSpec;
