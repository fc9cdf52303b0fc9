import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { parseInt64Number } from '../../store/numbers.js';
import {
  OFFSET_OUT_OF_RANGE,
  STRING_BYTES_MAX,
  STRING_TOO_LONG,
  writableString,
} from './common.js';

/** Overwrites from `offset`, zero-padding a shorter value (Redis setrangeCommand). */
export const setrange = {
  kind: 'data',
  name: 'setrange',
  arity: 4,
  flags: ['write', 'denyoom'],
  categories: ['@write', '@string', '@slow'],
  keys: KEY_1,
  summary:
    "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
  group: 'string',
  since: '2.2.0',
  syntax: 'key offset value',
  apply(db, args, env) {
    const offset = parseInt64Number(args[2] as string);
    if (offset === undefined) return NOT_INTEGER;
    if (offset < 0) return OFFSET_OUT_OF_RANGE;
    const key = args[1] as string;
    const patch = args[3] as string;
    const current = writableString(db, key, env.nowMs);
    if (current instanceof ErrorReply) return current;
    if (patch.length === 0) return current === null ? 0 : current.length;
    if (offset + patch.length > STRING_BYTES_MAX) return STRING_TOO_LONG;
    const base = current ?? '';
    const head =
      base.length >= offset ? base.slice(0, offset) : base + '\0'.repeat(offset - base.length);
    const next = head + patch + base.slice(offset + patch.length);
    db.put(key, next);
    // Redis patches a raw copy (or a new raw string): `raw` whatever the result looks like.
    db.setStringEncoding(key, 'raw');
    return next.length;
  },
} as const satisfies DataCommandSpec;
