import type { Keyspace } from '../../store/keyspace.js';
import { NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { KEY_1 } from '../keys/args.js';
import { parseInt64Number } from '../../store/numbers.js';
import { readString } from './common.js';

/** GETRANGE / SUBSTR key start end, inclusive, negative from the end (Redis getrangeCommand). */
export function getRange(db: Keyspace, args: readonly string[], nowMs: number): Reply {
  let start = parseInt64Number(args[2] as string);
  let end = parseInt64Number(args[3] as string);
  if (start === undefined || end === undefined) return NOT_INTEGER;
  const value = readString(db, args[1] as string, nowMs);
  if (value instanceof ErrorReply) return value;
  if (value === null) return '';
  const length = value.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) return '';
  return value.slice(start, end + 1);
}

export const getrange = {
  kind: 'data',
  name: 'getrange',
  arity: 4,
  flags: ['readonly'],
  categories: ['@read', '@string', '@slow'],
  keys: KEY_1,
  summary: 'Returns a substring of the string stored at a key.',
  group: 'string',
  since: '2.4.0',
  syntax: 'key start end',
  apply: (db, args, env) => getRange(db, args, env.nowMs),
} as const satisfies DataCommandSpec;
